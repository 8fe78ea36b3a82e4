/**
 * Batch commands run as real processes: a Node script stands in for a fleet tool, reading the
 * batch's targets from TRANCHE_TARGETS_FILE and writing a result per target to
 * TRANCHE_RESULTS_FILE; the engine rolls out 1,000 targets through it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.ts';
import type { ComponentSpec, EnginePorts, ReleaseSpec } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { groupExists } from '../../src/exec/process-group.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { RecordingReporter, rollout, targetsNamed } from '../support/fakes.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';
import { isRunning, readPids, reaped, Scratch } from './processes.ts';

/** Longer than any command here takes; far short of the hung command's sleep 300. */
const RUN_MS = Math.max(20_000, allowFor({ nodes: 4 }));
const TESTS = { timeout: timeoutFor({ nodes: 40, waitsMs: 2 * RUN_MS }) };

/**
 * The fleet tool: appends `action version batch target…` to calls.log, and reports every target
 * ok except those named in FAIL (reported failed to deploy), CHECK_FAIL (reported failing the
 * check) and MISS (left out of the results file).
 */
const FLEET_TOOL = `
const fs = require('node:fs');
const { targets } = JSON.parse(fs.readFileSync(process.env.TRANCHE_TARGETS_FILE, 'utf8'));
const names = targets.map((t) => t.name);
const e = process.env;
fs.appendFileSync('calls.log', [e.TRANCHE_ACTION, e.TRANCHE_VERSION, e.TRANCHE_BATCH, ...names].join(' ') + '\\n');
const fail = new Set(((e.TRANCHE_ACTION === 'check' ? e.CHECK_FAIL : e.FAIL) ?? '').split(' ').filter(Boolean));
const miss = new Set((e.MISS ?? '').split(' ').filter(Boolean));
const results = {};
for (const name of names) {
  if (miss.has(name)) continue;
  results[name] = fail.has(name) && e.TRANCHE_ACTION !== 'rollback' ? { ok: false, message: 'unreachable' } : { ok: true };
}
fs.writeFileSync(e.TRANCHE_RESULTS_FILE, JSON.stringify(results));
`;

let scratch: Scratch;
let ledger: SqliteLedger;
beforeEach(async () => {
  scratch = new Scratch();
  writeFileSync(scratch.path('fleet.cjs'), FLEET_TOOL);
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
  scratch.cleanup();
});

function fleet(targets: number, options: Partial<ComponentSpec> = {}): ComponentSpec {
  return {
    name: 'web',
    targets: targetsNamed('web', targets),
    deploy: '"$NODE" fleet.cjs',
    commandsPer: 'batch',
    timeoutMs: RUN_MS,
    rollout: rollout({ first: 10, growth: 4 }),
    checks: [],
    ...options,
  };
}

type Groups = ConstructorParameters<typeof ShellExecutor>[0]['groups'];

function ports(env: Record<string, string> = {}, groups?: Groups): EnginePorts {
  const baseEnv = { PATH: process.env.PATH, NODE: process.execPath, ...env };
  return {
    executor: new ShellExecutor({ baseEnv, groups }),
    checker: { run: () => Promise.reject(new Error('no checks here')) },
    ledger,
    reporter: new RecordingReporter(),
    clock: systemClock,
  };
}

function spec(version: string, component: ComponentSpec, runId = `run-${version}`): ReleaseSpec {
  return {
    runId,
    service: 'shop',
    environment: 'prod',
    version,
    commit: null,
    cwd: scratch.dir,
    components: [component],
    onFailure: 'rollback-release',
  };
}

/** Each call of the fleet tool: action, version, batch and targets. */
function calls(): { action: string; version: string; batch: number; targets: string[] }[] {
  return readFileSync(scratch.path('calls.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [action = '', version = '', batch = '', ...targets] = line.split(' ');
      return { action, version, batch: Number(batch), targets };
    });
}

describe('batch commands', TESTS, () => {
  it('deploys 1,000 targets with one command per batch and records a result per target', async () => {
    const result = await runRelease(spec('1.1', fleet(1000)), ports(), { previousVersion: null });
    expect(result.decision).toBe('succeeded');
    const batches = result.components[0]?.batches ?? [];
    expect(batches.map((b) => b.targets.length)).toEqual([10, 40, 160, 640, 150]);
    expect(calls()).toEqual(
      batches.map((b) => ({ action: 'deploy', version: '1.1', batch: b.number, targets: b.targets })),
    );
    const deployed = (await ledger.events({ runId: 'run-1.1' })).filter(
      (e) => e.kind === 'target_deploy' && e.status === 'ok',
    );
    expect(deployed).toHaveLength(1000);
    const states = await ledger.targetStates('shop', 'prod');
    expect(states.filter((s) => s.goodVersion === '1.1')).toHaveLength(1000);
  });

  it('on a failed batch, rolls back exactly the touched targets through rollbackBatch, batch by batch', async () => {
    await runRelease(spec('1.1', fleet(1000)), ports(), { previousVersion: null });
    writeFileSync(scratch.path('calls.log'), '');
    const component = fleet(1000, { rollback: '"$NODE" fleet.cjs --rollback' });
    const result = await runRelease(spec('1.2', component), ports({ FAIL: 'web-100' }), {
      previousVersion: '1.1',
    });
    expect(result.decision).toBe('rolled_back');
    expect(result.message).toContain('deploy of web-100 failed: unreachable');
    const touched = targetsNamed('web', 210).map((t) => t.name);
    const made = calls();
    expect(made.filter((c) => c.action === 'deploy').map((c) => c.batch)).toEqual([1, 2, 3]);
    const rollbacks = made.filter((c) => c.action === 'rollback');
    // Later batches first, each going back to the version its targets last ran.
    expect(rollbacks.map((c) => [c.batch, c.version])).toEqual([
      [3, '1.1'],
      [2, '1.1'],
      [1, '1.1'],
    ]);
    expect(rollbacks.flatMap((c) => c.targets).toSorted()).toEqual(touched.toSorted());
    expect(result.rolledBack.map((r) => [r.target, r.status, r.to]).toSorted()).toEqual(
      touched.map((t) => [t, 'rolled_back', '1.1']).toSorted(),
    );
    const states = await ledger.targetStates('shop', 'prod');
    expect(states.filter((s) => s.version !== '1.1')).toEqual([]);
  });

  it('counts a target the results file leaves out as failed, saying so', async () => {
    const result = await runRelease(spec('1.1', fleet(20)), ports({ MISS: 'web-3' }), {
      previousVersion: null,
    });
    expect(result.decision).toBe('rolled_back');
    const missing = (await ledger.events({ runId: 'run-1.1' })).find(
      (e) => e.kind === 'target_deploy' && e.target === 'web-3' && e.status !== 'started',
    );
    expect(missing).toMatchObject({ status: 'failed', reasonCode: 'deploy_command_failed' });
    expect(missing?.message).toBe('deploy of web-3 counts as failed: its results file does not report web-3');
    const others = (await ledger.events({ runId: 'run-1.1' })).filter(
      (e) => e.kind === 'target_deploy' && e.status === 'ok',
    );
    expect(others.map((e) => e.target)).not.toContain('web-3');
  });

  it('runs checkBatch over each batch after its deploy, failing on a target it reports failed', async () => {
    const component = fleet(30, { checkBatch: '"$NODE" fleet.cjs' });
    const result = await runRelease(spec('1.1', component), ports({ CHECK_FAIL: 'web-40 web-12' }), {
      previousVersion: null,
    });
    expect(result.decision).toBe('rolled_back');
    const checks = calls().filter((c) => c.action === 'check');
    expect(checks.map((c) => [c.batch, c.targets.length])).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(result.message).toMatch(
      /^check checkBatch on 20 target\(s\): failed on 1 of 20 target\(s\): web-12;/,
    );
  });

  it('counts every target failed when the command writes no results file', async () => {
    const component = fleet(3, { deploy: 'exit 0', rollout: rollout({ first: 3 }) });
    const result = await runRelease(spec('1.1', component), ports(), { previousVersion: null });
    expect(result.decision).toBe('rolled_back');
    expect(result.message).toMatch(
      /^deploy of web-1 counts as failed: the command wrote no results file \(TRANCHE_RESULTS_FILE\)/,
    );
  });

  it('kills a hung batch command with its whole process group at its timeout', async () => {
    const started: number[] = [];
    const groups = { started: (pgid: number) => void started.push(pgid), ended: () => {} };
    const hung = fleet(5, {
      deploy: 'sleep 300 & echo $! > pids; sleep 300 & echo $! >> pids; echo $$ >> pids; wait',
      timeoutMs: Math.max(1000, allowFor({ shells: 3 })),
      rollout: rollout({ first: 5 }),
    });
    const result = await runRelease(spec('1.1', hung), ports({}, groups), { previousVersion: null });
    expect(result.decision).toBe('rolled_back');
    expect(result.reasonCode).toBe('deploy_timed_out');
    const [pgid] = started;
    expect(pgid).toBeDefined();
    const pids = scratch.track(readPids(scratch.path('pids')));
    expect(pids).toHaveLength(3);
    expect(pids.filter(isRunning)).toEqual([]);
    for (const pid of pids) expect(await reaped(pid, RUN_MS)).toBe('ESRCH');
    expect(groupExists(pgid as number)).toBe(false);
  });
});
