/**
 * The watch loop with real check commands (processes reading the targets' state files), a real
 * SQLite ledger, and fake clocks: the watch's rounds move only when the test says, and a deploy
 * run by the engine stops after each batch while the watch looks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../src/checks/checker.ts';
import { loadConfig } from '../../src/config/load.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';
import type { DeployEvent, ReleaseSpec } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import type { WatchState } from '../../src/ledger/watch-types.ts';
import { type WatchRound, watch } from '../../src/watch/loop.ts';
import { readWatchMatrix } from '../../src/watch/matrix.ts';
import { cellKey, watchPlan } from '../../src/watch/plan.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { DEPLOY, watchedProject } from './watched-project.ts';

const INTERVAL_MS = 15_000;

const disposeAfter = disposedAfterEach();

/** A project, its ledger, and a watch loop on a fake clock whose rounds the test steps through. */
async function fixture() {
  const p = watchedProject(['app-1', 'app-2', 'app-3', 'app-4'], DEPLOY);
  disposeAfter(p.dispose);
  const ledger = await SqliteLedger.open(p.path('ledger.db'));
  disposeAfter(() => ledger.close());
  const resolved = resolveEnvironment((await loadConfig(p.path('tranche.yml'))).config, 'prod');
  const executor = new ShellExecutor({ baseEnv: { PATH: process.env.PATH } });
  const clock = new FakeClock({ auto: false });
  const controller = new AbortController();
  const rounds: WatchRound[] = [];
  const waiting: ((round: WatchRound) => void)[] = [];
  const transitions: { target: string; check: string; state: WatchState; from: WatchState | null }[] = [];
  const running = watch({
    plan: watchPlan(resolved, 'prod'),
    ledger,
    checker: createChecker({ executor }),
    clock,
    cwd: p.dir,
    intervalMs: INTERVAL_MS,
    parallel: 4,
    signal: controller.signal,
    listener: {
      round: (round) => {
        rounds.push(round);
        waiting.shift()?.(round);
      },
      transition: (t, from) => transitions.push({ target: t.target, check: t.check, state: t.state, from }),
    },
  });
  disposeAfter(async () => {
    controller.abort();
    await running;
  });
  const nextRound = () => new Promise<WatchRound>((resolve) => waiting.push(resolve));
  const first = await nextRound();
  /** Lets the interval pass once the loop sleeps, and waits for the round that follows. */
  const step = async (): Promise<WatchRound> => {
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    const round = nextRound();
    await clock.advance(INTERVAL_MS);
    return round;
  };
  return { ...p, ledger, resolved, executor, clock, controller, running, first, step, rounds, transitions };
}

/** Each target's `up` cell in a round. */
function up(round: WatchRound): Record<string, WatchState | undefined> {
  const targets = ['app-1', 'app-2', 'app-3', 'app-4'];
  return Object.fromEntries(
    targets.map((t) => [t, round.cells.get(cellKey({ component: 'app', target: t, check: 'up' }))?.state]),
  );
}

describe('the watch loop', () => {
  it('starts all red on a new environment and turns green batch by batch as the engine deploys', async () => {
    const f = await fixture();
    expect(up(f.first)).toEqual({ 'app-1': 'red', 'app-2': 'red', 'app-3': 'red', 'app-4': 'red' });
    expect(f.first.targets).toEqual([]);
    const reason = f.first.cells.get(cellKey({ component: 'app', target: 'app-3', check: 'up' }))?.reason;
    expect(reason).toBe('command exited with code 1: app-3 has no state file');

    // The deploy's own clock runs on by itself; after each batch it waits while the watch looks.
    const seen: Record<string, WatchState | undefined>[] = [];
    const spec: ReleaseSpec = {
      runId: 'run-1',
      service: 'shop',
      environment: 'prod',
      version: '7',
      commit: null,
      cwd: f.dir,
      components: f.resolved.components,
      onFailure: 'rollback-release',
    };
    const reporter = {
      event: async (event: DeployEvent) => {
        if (event.kind === 'batch_finished') seen.push(up(await f.step()));
      },
    };
    const result = await runRelease(
      spec,
      {
        executor: f.executor,
        checker: createChecker({ executor: f.executor }),
        ledger: f.ledger,
        reporter,
        clock: new FakeClock(),
      },
      { previousVersion: null },
    );
    expect(result.decision).toBe('succeeded');
    // Batches of 1, 2 and 1 targets.
    expect(seen).toEqual([
      { 'app-1': 'green', 'app-2': 'red', 'app-3': 'red', 'app-4': 'red' },
      { 'app-1': 'green', 'app-2': 'green', 'app-3': 'green', 'app-4': 'red' },
      { 'app-1': 'green', 'app-2': 'green', 'app-3': 'green', 'app-4': 'green' },
    ]);
    // Each cell recorded once when first seen, and `up` once more when it turned green.
    const ups = f.transitions.filter((t) => t.check === 'up');
    expect(ups.filter((t) => t.from === null).map((t) => t.state)).toEqual(['red', 'red', 'red', 'red']);
    // app-2 and app-3 turn green in one round, in either order.
    const turned = ups.filter((t) => t.from !== null).map((t) => `${t.target} ${t.from}→${t.state}`);
    expect(turned[0]).toBe('app-1 red→green');
    expect(turned.slice(1, 3).sort()).toEqual(['app-2 red→green', 'app-3 red→green']);
    expect(turned.slice(3)).toEqual(['app-4 red→green']);
  });

  it('turns a target broken mid-watch red with its check’s reason, records it, and green again once mended', async () => {
    const f = await fixture();
    const targets = ['app-1', 'app-2', 'app-3', 'app-4'];
    const updates = targets.map((target) => ({ component: 'app', target, version: '7', good: true }));
    await f.ledger.updateTargets('shop', 'prod', 'run-1', updates);
    mkdirSync(f.path('state'));
    for (const target of targets) writeFileSync(f.path(`state/${target}`), '7\n');
    const green = await f.step();
    expect(up(green)).toEqual({ 'app-1': 'green', 'app-2': 'green', 'app-3': 'green', 'app-4': 'green' });
    const greenSince = green.cells.get(cellKey({ component: 'app', target: 'app-2', check: 'up' }))?.since;

    writeFileSync(f.path('state/app-2'), '6\n');
    const broken = await f.step();
    expect(up(broken)).toEqual({ 'app-1': 'green', 'app-2': 'red', 'app-3': 'green', 'app-4': 'green' });
    const cell = broken.cells.get(cellKey({ component: 'app', target: 'app-2', check: 'up' }));
    expect(cell?.reason).toBe("command exited with code 1: app-2 shows '6', not '7'");
    expect(cell?.since).toBe(f.clock.now());
    // A cell that stays green keeps the time it turned green.
    expect(broken.cells.get(cellKey({ component: 'app', target: 'app-1', check: 'up' }))?.since).toBe(
      greenSince,
    );

    const matrix = await readWatchMatrix(f.ledger, 'shop', 'prod');
    expect(matrix.cells.find((c) => c.target === 'app-2' && c.check === 'up')).toMatchObject({
      state: 'red',
      status: 'fail',
      since: f.clock.now(),
      reason: "command exited with code 1: app-2 shows '6', not '7'",
    });

    writeFileSync(f.path('state/app-2'), '7\n');
    expect(up(await f.step())['app-2']).toBe('green');
    const history = await f.ledger.watchTransitions({ service: 'shop', environment: 'prod' });
    expect(history.filter((t) => t.target === 'app-2' && t.check === 'up').map((t) => t.state)).toEqual([
      'red',
      'green',
      'red',
      'green',
    ]);
  });
});
