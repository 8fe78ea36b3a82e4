import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';

const CONFIG = `service: shop
version: "3.{n}"
environments:
  staging:
    components:
      - name: app
        targets: [s-1, s-2]
        deploy: ./deploy.sh
`;
const KEY = 'galaxy-7-shared-bundle-secret-0123456789';
/** A test here runs the CLI up to seven times (deploys, a report, export, import, history). */
const CLI_RUNS_TIMEOUT = timeoutFor({ nodes: 14 });
const DAY = 86_400_000;

const disposeAfter = disposedAfterEach();

/** Everything a ledger holds for the fixture's service, in a comparable form. */
const contents = (location: string) =>
  withLedgerAt(location, async (l) => ({
    versions: await l.versions('shop'),
    runs: await l.runs({}),
    events: await l.events({}),
    targets: await l.targetStates('shop', 'staging'),
    outcomes: await l.outcomes({ service: 'shop' }),
    watch: (await l.watchTransitions({ service: 'shop', environment: 'staging' })).map(
      ({ id: _, ...t }) => t,
    ),
  }));

// A galaxy (always an embedded SQLite ledger here) exports; the central ledger of each backend imports.
for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`tranche ledger export and import into ${backend.name}`, () => {
    async function fixture() {
      const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
      disposeAfter(p.dispose);
      const galaxy = p.path('galaxy.db');
      const central = await backend.location(p.dir, 'central');
      const cli = (args: string[], env: Record<string, string> = { TRANCHE_BUNDLE_KEY: KEY }) =>
        runCli(args, { cwd: p.dir, env });
      for (const actor of ['galaxy-ops', 'rita']) {
        expect((await cli(['deploy', '--ledger', galaxy, '--actor', actor])).code).toBe(0);
      }
      await withLedgerAt(galaxy, (l) =>
        l.recordWatchTransitions([
          {
            service: 'shop',
            environment: 'staging',
            component: 'app',
            target: 's-1',
            check: 'health',
            at: Date.now(),
            state: 'green',
            status: 'pass',
            reason: 'HTTP 200',
            value: null,
          },
        ]),
      );
      const reported = await cli(['report', '--version', '3.2', '--outcome', 'failure', '--ledger', galaxy]);
      expect(reported.code, reported.stderr).toBe(0);
      const exported = await cli(['ledger', 'export', '--ledger', galaxy, '-o', 'galaxy.ndjson']);
      expect(exported.code, exported.stderr).toBe(0);
      return { ...p, galaxy, central, cli, exported };
    }

    it("recreates the galaxy's versions, runs with who started them, events, target states, outcomes and watch transitions in the central ledger", {
      timeout: CLI_RUNS_TIMEOUT,
    }, async () => {
      const f = await fixture();
      expect(f.exported.stdout).toMatch(
        /^exported 2 versions, 2 runs, \d+ events, 2 target states, 1 outcome, 0 verdict overrides and 1 watch transition recorded since 1970/,
      );
      const imported = await f.cli(['ledger', 'import', 'galaxy.ndjson', '--ledger', f.central]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(
        /^imported galaxy\.ndjson .*: versions 2 new, 0 already here; runs 2 new/,
      );
      const central = await contents(f.central);
      expect(central).toEqual(await contents(f.galaxy));
      expect(central.runs.map((r) => r.actor)).toEqual(['rita', 'galaxy-ops']);
      expect(central.watch).toHaveLength(1);
      const history = await f.cli(['history', '--json', '--ledger', f.central]);
      expect(JSON.parse(history.stdout).map((r: { version: string }) => r.version)).toEqual(['3.2', '3.1']);
    });

    it('changes nothing when the same bundle is imported again', { timeout: CLI_RUNS_TIMEOUT }, async () => {
      const f = await fixture();
      await f.cli(['ledger', 'import', 'galaxy.ndjson', '--ledger', f.central]);
      const before = await contents(f.central);
      const again = await f.cli(['ledger', 'import', 'galaxy.ndjson', '--ledger', f.central, '--json']);
      expect(again.code).toBe(0);
      const { counts } = JSON.parse(again.stdout);
      expect(Object.values(counts).map((c) => (c as { written: number }).written)).toEqual([
        0, 0, 0, 0, 0, 0, 0,
      ]);
      expect(counts.event.present).toBe(before.events.length);
      expect(await contents(f.central)).toEqual(before);
    });

    it('refuses a tampered bundle naming the line, and writes nothing', {
      timeout: CLI_RUNS_TIMEOUT,
    }, async () => {
      const f = await fixture();
      const lines = readFileSync(f.path('galaxy.ndjson'), 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes('"kind":"target_deploy","status":"ok"'));
      expect(at).toBeGreaterThan(0);
      lines[at] = (lines[at] as string).replace('"status":"ok"', '"status":"failed"');
      writeFileSync(f.path('tampered.ndjson'), lines.join('\n'));
      const { code, stderr } = await f.cli(['ledger', 'import', 'tampered.ndjson', '--ledger', f.central]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `tampered.ndjson:${at + 1}: the signature does not match: this line was changed`,
      );
      expect(stderr).toContain('nothing was imported');
      expect((await contents(f.central)).runs).toEqual([]);
    });

    it('refuses a truncated bundle, and writes nothing', { timeout: CLI_RUNS_TIMEOUT }, async () => {
      const f = await fixture();
      const lines = readFileSync(f.path('galaxy.ndjson'), 'utf8').trimEnd().split('\n');
      writeFileSync(f.path('cut.ndjson'), `${lines.slice(0, -3).join('\n')}\n`);
      const { code, stderr } = await f.cli(['ledger', 'import', 'cut.ndjson', '--ledger', f.central]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `cut.ndjson: ends after line ${lines.length - 3} without its end line: the bundle is truncated`,
      );
      expect((await contents(f.central)).events).toEqual([]);
    });

    it('refuses a bundle whose versions the central ledger gave to other commits, naming the line', {
      timeout: CLI_RUNS_TIMEOUT,
    }, async () => {
      const f = await fixture();
      const mine = await f.cli(['version', 'next', '--commit', 'central-sha', '--ledger', f.central]);
      expect(mine.stdout.trim()).toBe('3.1');
      const { code, stderr } = await f.cli(['ledger', 'import', 'galaxy.ndjson', '--ledger', f.central]);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /galaxy\.ndjson:2: version 3\.1 \(shop #1, commit .*\) clashes with 3\.1 \(commit central-sha\) here/,
      );
      expect(stderr).toContain('nothing was imported');
      expect((await contents(f.central)).runs).toEqual([]);
    });
  });
}

describe('tranche ledger export of a ledger that is not there', () => {
  it('refuses (exit 2), writing no bundle and making no ledger', async () => {
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
    disposeAfter(p.dispose);
    const env = { TRANCHE_BUNDLE_KEY: KEY };
    const exported = await runCli(['ledger', 'export', '-o', 'b.ndjson'], { cwd: p.dir, env });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain(`no ledger at ${p.path('.tranche/ledger.db')}`);
    expect(existsSync(p.path('b.ndjson'))).toBe(false);
    expect(existsSync(p.path('.tranche'))).toBe(false);
  });
});

describe('tranche ledger export and import without a key', () => {
  it('refuse to run, naming TRANCHE_BUNDLE_KEY (exit 2), and write no bundle', async () => {
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
    disposeAfter(p.dispose);
    const exported = await runCli(['ledger', 'export', '-o', 'b.ndjson'], {
      cwd: p.dir,
      env: { TRANCHE_BUNDLE_KEY: '' },
    });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain('TRANCHE_BUNDLE_KEY is not set');
    expect(() => readFileSync(p.path('b.ndjson'))).toThrow(/ENOENT/);
    const imported = await runCli(['ledger', 'import', 'b.ndjson'], {
      cwd: p.dir,
      env: { TRANCHE_BUNDLE_KEY: 'short' },
    });
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain('TRANCHE_BUNDLE_KEY is too short');
  });
});

describe('tranche ledger export --since', () => {
  it('writes only what was recorded since, to stdout, with the summary on stderr', async () => {
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
    disposeAfter(p.dispose);
    const env = { TRANCHE_BUNDLE_KEY: KEY };
    expect((await runCli(['deploy'], { cwd: p.dir, env })).code).toBe(0);
    const { code, stdout, stderr } = await runCli(['ledger', 'export', '--since', '1d'], { cwd: p.dir, env });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^exported 1 version, 1 run,/);
    expect(JSON.parse(stdout.split('\n')[0] as string).since).toBeGreaterThan(Date.now() - DAY - 60_000);
    const future = await runCli(['ledger', 'export', '--since', '2999-01-01', '--json'], { cwd: p.dir, env });
    expect(JSON.parse(future.stderr).records).toEqual({
      version: 0,
      run: 0,
      event: 0,
      target: 0,
      outcome: 0,
      verdict: 0,
      watch: 0,
    });
  });
});

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`tranche ledger prune on ${backend.name}`, () => {
    it("drops events and watch transitions older than --keep, keeping every run with its start, finish and decision and each cell's newest transition", {
      timeout: CLI_RUNS_TIMEOUT,
    }, async () => {
      const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
      disposeAfter(p.dispose);
      const location = await backend.location(p.dir);
      const old = Date.now() - 100 * DAY;
      await withLedgerAt(location, async (l) => {
        const base = { service: 'shop', environment: 'staging', version: '3.1' } as const;
        await l.record({ ...base, runId: 'old', seq: 1, at: old, kind: 'run_started', status: 'started' });
        await l.record({ ...base, runId: 'old', seq: 2, at: old + 1, kind: 'target_deploy', status: 'ok' });
        await l.record({ ...base, runId: 'old', seq: 3, at: old + 2, kind: 'check', status: 'ok' });
        await l.claimDelivery({
          id: 'old-delivery',
          repo: 'acme/shop',
          event: 'issue_comment.created',
          at: old,
        });
        await l.record({
          ...base,
          runId: 'old',
          seq: 4,
          at: old + 3,
          kind: 'run_finished',
          status: 'ok',
          data: { decision: 'succeeded' },
        });
        const cell = {
          service: 'shop',
          environment: 'staging',
          component: 'app',
          target: 's-1',
          check: 'up',
        };
        await l.recordWatchTransitions([
          { ...cell, at: old, state: 'red', status: 'fail', reason: 'HTTP 503', value: null },
          { ...cell, at: old + 1, state: 'green', status: 'pass', reason: 'HTTP 200', value: null },
        ]);
      });
      const cli = (...args: string[]) => runCli([...args, '--ledger', location], { cwd: p.dir });
      expect((await cli('deploy')).code).toBe(0);

      const dry = await cli('ledger', 'prune', '--keep', '90d', '--dry-run');
      expect(dry.stdout).toMatch(
        /^would remove 2 events recorded before .* \(check 1, target_deploy 1\), 1 webhook delivery claim\(s\) of the bot and 1 watch transition\(s\);/,
      );
      const pruned = await cli('ledger', 'prune', '--keep', '90d');
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toMatch(
        /^removed 2 events recorded before .* \(check 1, target_deploy 1\), 1 webhook delivery claim\(s\) of the bot and 1 watch transition\(s\); kept every version, run/,
      );

      const runs = await withLedgerAt(location, (l) => l.runs({}));
      expect(runs.map((r) => [r.runId === 'old' ? 'old' : 'new', r.decision])).toEqual([
        ['new', 'succeeded'],
        ['old', 'succeeded'],
      ]);
      const kinds = await withLedgerAt(location, (l) => l.events({ runId: 'old' }));
      expect(kinds.map((e) => e.kind)).toEqual(['run_started', 'run_finished']);
      const cells = await withLedgerAt(location, (l) => l.watchCells('shop', 'staging'));
      expect(cells.map((c) => [c.at, c.state])).toEqual([[old + 1, 'green']]);
      expect(
        (await withLedgerAt(location, (l) => l.events({ runId: runs[0]?.runId }))).length,
      ).toBeGreaterThan(2);
    });

    it('asks for --keep, and names it when it is not an age (exit 2)', async () => {
      const p = project({ 'tranche.yml': CONFIG });
      disposeAfter(p.dispose);
      const location = await backend.location(p.dir);
      expect((await runCli(['ledger', 'prune', '--ledger', location], { cwd: p.dir })).stderr).toContain(
        '--keep is required',
      );
      const bad = await runCli(['ledger', 'prune', '--keep', '90', '--ledger', location], { cwd: p.dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--keep: expected an age such as 90d, 2w or 12h, got '90'");
    });
  });
}
