import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import { ONE_TARGET_CONFIG, project, runCli } from '../support/cli.ts';
import { timeoutFor } from '../support/measured-work.ts';

const DAY = 86_400_000;

let dispose: () => void = () => undefined;
afterEach(() => dispose());

/** A ledger with runs of two services, one of them ten days old. */
async function fixture() {
  const p = project({ 'tranche.yml': ONE_TARGET_CONFIG });
  dispose = p.dispose;
  const ledger = await openLedger('ledger.db', p.dir);
  const start = (runId: string, service: string, at: number) =>
    ledger.record({
      runId,
      seq: 1,
      at,
      kind: 'run_started',
      status: 'started',
      service,
      environment: 'prod',
      version: '1',
    });
  await start('shop-old', 'shop', Date.now() - 10 * DAY);
  await start('shop-new', 'shop', Date.now() - 1000);
  await start('cart-new', 'cart', Date.now() - 500);
  await ledger.close();
  return async (...args: string[]) => {
    const { code, stdout, stderr } = await runCli(['history', '--json', '--ledger', 'ledger.db', ...args], {
      cwd: p.dir,
    });
    expect(code, stderr).toBe(0);
    return (JSON.parse(stdout) as { runId: string }[]).map((r) => r.runId);
  };
}

describe('tranche history', () => {
  it("lists the config's service by default", async () => {
    expect(await (await fixture())()).toEqual(['shop-new', 'shop-old']);
  });

  it('lists another service of a shared ledger with --service', async () => {
    expect(await (await fixture())('--service', 'cart')).toEqual(['cart-new']);
  });

  it('says there are no runs rather than printing an empty table', async () => {
    const p = project({ 'tranche.yml': ONE_TARGET_CONFIG });
    dispose = p.dispose;
    expect((await runCli(['deploy', '--ledger', 'ledger.db'], { cwd: p.dir })).code).toBe(0);
    const history = (...args: string[]) =>
      runCli(['history', '--ledger', 'ledger.db', ...args], { cwd: p.dir });
    expect((await history('--service', 'nope')).stdout).toBe('no runs of nope in the ledger\n');
    expect((await history('-e', 'prod', '--version', '7')).stdout).toBe(
      'no runs of shop in prod of version 7 in the ledger\n',
    );
    expect((await history()).stdout).toMatch(/^run\s+started/);
  });

  it('takes --since as an age', async () => {
    expect(await (await fixture())('--since', '7d')).toEqual(['shop-new']);
  });

  describe('as a table', () => {
    it('shows each run’s id, the one `tail --run` asks for', async () => {
      const p = project({ 'tranche.yml': ONE_TARGET_CONFIG });
      dispose = p.dispose;
      const ledger = await openLedger('ledger.db', p.dir);
      await ledger.record({
        runId: 'run-7f3a',
        seq: 1,
        at: Date.now(),
        kind: 'run_started',
        status: 'started',
        service: 'shop',
        environment: 'prod',
        version: '3',
      });
      await ledger.close();
      const { code, stdout } = await runCli(['history', '--ledger', 'ledger.db'], { cwd: p.dir });
      expect(code).toBe(0);
      const [header, row] = stdout.split('\n');
      expect(header).toMatch(/^run\s+started\s+environment/);
      expect(row).toMatch(/^run-7f3a\s+\S+\s+prod\s+deploy\s+3\s+unfinished/);
    });
  });

  // Five CLI runs, three of them deploys: a bound from the work, which a loaded runner can stretch past the default.
  it('says which runs were rollbacks, in the table and in --json', {
    timeout: timeoutFor({ nodes: 5, shells: 3 }),
  }, async () => {
    const p = project({ 'tranche.yml': ONE_TARGET_CONFIG });
    dispose = p.dispose;
    const deployed = await runCli(['deploy', '--ledger', 'ledger.db'], { cwd: p.dir });
    const again = await runCli(['deploy', '--ledger', 'ledger.db'], { cwd: p.dir });
    const rolled = await runCli(['rollback', '--ledger', 'ledger.db'], { cwd: p.dir });
    expect([deployed.code, again.code, rolled.code], rolled.stderr).toEqual([0, 0, 0]);
    const json = await runCli(['history', '--json', '--ledger', 'ledger.db'], { cwd: p.dir });
    const runs = JSON.parse(json.stdout) as { version: string; action: string }[];
    expect(runs.map((r) => `${r.action} ${r.version}`)).toEqual(['rollback 1', 'deploy 2', 'deploy 1']);
    const text = await runCli(['history', '--ledger', 'ledger.db'], { cwd: p.dir });
    expect(text.stdout.split('\n')[1]).toMatch(/^\S+\s+\S+\s+\S+\s+rollback\s+1\s+succeeded/);
  });
});
