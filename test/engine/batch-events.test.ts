/**
 * A batch command's per-target events reach the ledger together: the targets' deploy starts in one
 * transaction before the command runs, their results in one after it, and the same for a batch
 * rollback; a ledger that cannot record a batch's events keeps none of them, and the run still
 * rolls back and ends with its terminal record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  BatchCommandRequest,
  BatchCommandResult,
  DeployEvent,
  EnginePorts,
  Executor,
} from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { component, RecordingReporter, release } from '../support/fakes.ts';

const RUN = 'run-1';

/** Batch commands that answer in process: every target ok but those named in `fail` (on deploy). */
class BatchExecutor implements Executor {
  readonly calls: { action: string; batch: number; targets: string[] }[] = [];
  private readonly clock: FakeClock;
  private readonly fail: Set<string>;

  constructor(clock: FakeClock, fail: string[] = []) {
    this.clock = clock;
    this.fail = new Set(fail);
  }

  run(): never {
    throw new Error('batch components run no per-target command');
  }

  async runBatch(request: BatchCommandRequest): Promise<BatchCommandResult> {
    const action = request.env.TRANCHE_ACTION ?? '';
    const targets = request.targets.map((t) => t.name);
    this.calls.push({ action, batch: Number(request.env.TRANCHE_BATCH), targets });
    this.clock.tick(10);
    const ok = (name: string) => action !== 'deploy' || !this.fail.has(name);
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      durationMs: 10,
      stdout: '',
      stderr: '',
      outcomes: new Map(
        targets.map((name) => [name, { ok: ok(name), message: ok(name) ? undefined : 'down' }]),
      ),
    };
  }
}

/** 100 targets in batches of 10, 20, 40 and 30, deployed and rolled back by batch commands. */
const fleet = component({
  name: 'web',
  targets: 100,
  commandsPer: 'batch',
  rollout: { first: 10, growth: 2 },
});

let ledger: SqliteLedger;
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
  await ledger.updateTargets(
    'metrics-store',
    'production',
    'run-0',
    fleet.targets.map((t) => ({ component: 'web', target: t.name, version: '2.14.6', good: true })),
  );
});
afterEach(async () => {
  await ledger.close();
});

function ports(executor: Executor, clock: FakeClock, recordEvents = ledger.recordEvents.bind(ledger)) {
  const calls: DeployEvent[][] = [];
  const reporter = new RecordingReporter();
  const engine: EnginePorts = {
    executor,
    checker: { run: () => Promise.reject(new Error('no checks here')) },
    ledger: {
      targetStates: (service, environment) => ledger.targetStates(service, environment),
      updateTargets: (...args) => ledger.updateTargets(...args),
      record: (event) => ledger.record(event),
      recordEvents: (events) => {
        calls.push([...events]);
        return recordEvents(events);
      },
    },
    reporter,
    clock,
  };
  return { engine, calls, reporter };
}

/** What the ledger holds of the run's per-target events: `kind status batch target`. */
async function recorded(kind: DeployEvent['kind']): Promise<string[]> {
  return (await ledger.events({ runId: RUN }))
    .filter((e) => e.kind === kind)
    .map((e) => `${e.status} ${e.batch} ${e.target}`);
}

function names(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `web-${from + i}`);
}

describe('the events of a batch command', () => {
  it('reach the ledger in one call per batch for its starts and one for its results, in seq order', async () => {
    const clock = new FakeClock();
    const { engine, calls } = ports(new BatchExecutor(clock), clock);
    const result = await runRelease(release({ components: [fleet] }), engine, { previousVersion: '2.14.6' });
    expect(result.decision).toBe('succeeded');
    const batches = [names(1, 10), names(11, 30), names(31, 70), names(71, 100)];
    expect(calls.map((events) => [events[0]?.status, events.map((e) => e.target)])).toEqual(
      batches.flatMap((targets) => [
        ['started', targets],
        ['ok', targets],
      ]),
    );
    for (const events of calls) {
      expect(events.every((e) => e.kind === 'target_deploy' && e.status === events[0]?.status)).toBe(true);
      expect(events.map((e) => e.seq - (events[0]?.seq ?? 0))).toEqual(events.map((_, i) => i));
    }
    const all = await ledger.events({ runId: RUN });
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(await recorded('target_deploy')).toHaveLength(200);
  });

  it('are kept all or none: results the ledger fails partway through writing leave none of the batch', async () => {
    // Batch 2's results take seqs 46 to 65 (after the run's start, batch 1 and batch 2's starts):
    // an event already holding seq 55 fails their transaction at its tenth insert.
    await ledger.record({
      runId: RUN,
      seq: 55,
      at: 0,
      kind: 'check',
      status: 'ok',
      service: 'metrics-store',
      environment: 'production',
      version: '2.14.7',
      message: 'in the way',
    });
    const clock = new FakeClock();
    const executor = new BatchExecutor(clock);
    const { engine, reporter } = ports(executor, clock);
    const result = await runRelease(release({ components: [fleet] }), engine, { previousVersion: '2.14.6' });

    expect(result.decision).toBe('rolled_back');
    expect(result.reasonCode).toBe('internal_error');
    const deploys = await recorded('target_deploy');
    expect(deploys.filter((e) => e.startsWith('ok 2 '))).toEqual([]);
    expect(deploys).toEqual([
      ...names(1, 10).map((t) => `started 1 ${t}`),
      ...names(1, 10).map((t) => `ok 1 ${t}`),
      ...names(11, 30).map((t) => `started 2 ${t}`),
    ]);
    // Reported all the same, and both batches were put back, each by one command.
    expect(reporter.events.filter((e) => e.kind === 'target_deploy' && e.batch === 2)).toHaveLength(40);
    expect(executor.calls.map((c) => [c.action, c.batch, c.targets.length])).toEqual([
      ['deploy', 1, 10],
      ['deploy', 2, 20],
      ['rollback', 2, 20],
      ['rollback', 1, 10],
    ]);
    expect((await recorded('target_rollback')).filter((e) => e.startsWith('ok'))).toHaveLength(30);
    const [run] = await ledger.runs({ runId: RUN });
    expect(run?.decision).toBe('rolled_back');
  });

  it('of a rollback are recorded together, and the run still ends with its terminal record when they cannot be', async () => {
    const clock = new FakeClock();
    const executor = new BatchExecutor(clock, ['web-15']);
    const { engine, calls, reporter } = ports(executor, clock);
    const failed = await runRelease(release({ components: [fleet] }), engine, { previousVersion: '2.14.6' });
    expect(failed.decision).toBe('rolled_back');
    expect(failed.message).toBe('deploy of web-15 failed: down');
    const rollbacks = calls.filter((events) => events[0]?.kind === 'target_rollback');
    expect(rollbacks.map((events) => [events[0]?.status, events.map((e) => e.target)])).toEqual([
      ['started', names(11, 30)],
      ['ok', names(11, 30)],
      ['started', names(1, 10)],
      ['ok', names(1, 10)],
    ]);
    expect(await recorded('target_rollback')).toHaveLength(60);
    expect(reporter.kinds().at(-1)).toBe('run_finished:failed');

    // The same again with the ledger refusing every batch of events from the rollback on.
    const second = release({ components: [fleet], runId: 'run-2' });
    let down = false;
    const { engine: engine2, reporter: reporter2 } = ports(executor, clock, (events) => {
      if (events.some((e) => e.kind === 'target_rollback')) down = true;
      return down ? Promise.reject(new Error('ledger down')) : ledger.recordEvents(events);
    });
    const again = await runRelease(second, engine2, { previousVersion: '2.14.6' });
    expect(again.decision).toBe('rolled_back');
    expect(again.rolledBack.map((r) => r.status)).toEqual(Array(30).fill('rolled_back'));
    expect(executor.calls.filter((c) => c.action === 'rollback')).toHaveLength(4);
    expect(reporter2.kinds().filter((k) => k.startsWith('target_rollback'))).toHaveLength(60);
    expect(reporter2.kinds().at(-1)).toBe('run_finished:failed');
    const [run] = await ledger.runs({ runId: 'run-2' });
    expect(run?.decision).toBe('rolled_back');
    expect((await ledger.events({ runId: 'run-2' })).filter((e) => e.kind === 'target_rollback')).toEqual([]);
  });

  it('of targets with no version to go back to are recorded together, as skipped', async () => {
    const clock = new FakeClock();
    const executor = new BatchExecutor(clock, ['new-15']);
    const { engine, calls } = ports(executor, clock);
    const fresh = component({
      name: 'new',
      targets: 30,
      commandsPer: 'batch',
      rollout: { first: 10, growth: 2 },
    });
    const result = await runRelease(release({ components: [fresh] }), engine, { previousVersion: null });
    expect(result.rolledBack.map((r) => r.status)).toEqual(Array(30).fill('no_previous_version'));
    expect(executor.calls.filter((c) => c.action === 'rollback')).toEqual([]);
    const skipped = calls.filter((events) => events[0]?.kind === 'target_rollback');
    expect(skipped.map((events) => events.map((e) => `${e.status} ${e.target}`))).toEqual([
      Array.from({ length: 20 }, (_, i) => `skipped new-${i + 11}`),
      Array.from({ length: 10 }, (_, i) => `skipped new-${i + 1}`),
    ]);
  });
});
