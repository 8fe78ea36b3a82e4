import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import { collect, ONE_TARGET_CONFIG, project, startCli } from '../support/cli.ts';

let dispose: () => void = () => undefined;
afterEach(() => dispose());

/** A project whose ledger holds one finished run, run-1, of several events. */
async function finishedRun() {
  const p = project({ 'tranche.yml': ONE_TARGET_CONFIG });
  dispose = p.dispose;
  const ledger = await openLedger(undefined, p.dir);
  const base = { runId: 'run-1', service: 'shop', environment: 'prod', version: '1' } as const;
  await ledger.record({ ...base, seq: 1, at: 1_000, kind: 'run_started', status: 'started' });
  await ledger.record({
    ...base,
    seq: 2,
    at: 2_000,
    kind: 'component_started',
    status: 'started',
    component: 'app',
  });
  await ledger.record({
    ...base,
    seq: 3,
    at: 3_000,
    kind: 'run_finished',
    status: 'ok',
    data: { decision: 'succeeded', reasonCode: 'all_batches_healthy' },
  });
  await ledger.close();
  return p;
}

/** The CLI with its stdout's reader gone before it writes anything, as `tranche … | head` leaves it. */
function withClosedStdout(args: string[], cwd: string) {
  const child = startCli(args, { cwd });
  child.stdout?.destroy();
  return collect(child);
}

describe('when the reader of stdout goes away', () => {
  it.each([
    ['history', ['history']],
    ['tail', ['tail', '--run', 'run-1']],
  ])('%s ends quietly, with no EPIPE trace', async (_name, args) => {
    const p = await finishedRun();
    const { code, stderr } = await withClosedStdout(args, p.dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
