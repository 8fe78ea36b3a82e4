import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/stats/random.ts';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';

const SHOP = `service: shop
version: "3.1.{n}"
environments:
  prod:
    components:
      - name: app
        targets:
          - { name: a1, labels: { cloud: aws, browser: chrome } }
          - { name: a2, labels: { cloud: aws, browser: chrome } }
          - { name: g1, labels: { cloud: gcp, browser: firefox } }
          - { name: a3, labels: { cloud: aws, browser: firefox } }
          - { name: g2, labels: { cloud: gcp, browser: chrome } }
          - { name: g3, labels: { cloud: gcp, browser: chrome } }
        deploy: ./deploy.sh
categories:
  labels: [cloud, browser]
  coverage: all
  values: { cloud: [aws, gcp, azure] }
requires:
  storage: ">=2.14.0"
verdict: { minSamples: 50 }
tracks:
  - { name: canary, environments: [prod], targets: { browser: firefox }, bake: 1h }
  - { name: stable, environments: [prod], promote: manual }
`;

const STORAGE = (minor: number) => `service: storage
version: "2.${minor}.{n}"
environments:
  prod:
    components:
      - { name: db, targets: [db-1], deploy: ./deploy.sh }
`;

const disposeAfter = disposedAfterEach();

/**
 * A test here runs the CLI up to eight times and about a hundred shell commands (three deploys of
 * six targets, a deploy and a check each, and rollbacks). Its bound is that work measured at import
 * and stretched for the bursts of a CI run, where the file shares two cores with tests that start
 * fifty processes at once (a test of 4 s alone took over 30 s there): it bounds the wait, never
 * asserts speed.
 */
const CLI_RUNS = { timeout: timeoutFor({ nodes: 8 * 5, shells: 100 * 2 }) };

function fixture() {
  const p = project({
    'tranche.yml': SHOP,
    'storage-2.13.yml': STORAGE(13),
    'storage-2.14.yml': STORAGE(14),
    'deploy.sh': RECORDING_DEPLOY,
  });
  disposeAfter(p.dispose);
  const cli = (...args: string[]) => runCli(args, { cwd: p.dir, env: { TRANCHE_ACTOR: 'alice' } });
  const log = () => (existsSync(p.path('state/log')) ? readFileSync(p.path('state/log'), 'utf8') : '');
  return { ...p, cli, log, ledger: p.path('.tranche/ledger.db') };
}

describe('tranche plan with canary categories', CLI_RUNS, () => {
  it('shows the canaries, what each covers, the lower bound and a declared value no target carries', async () => {
    const f = fixture();
    const { code, stdout } = await f.cli('plan');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'canaries (all over cloud, browser): 4, lower bound 4, covering 4 combination(s)',
    );
    expect(stdout).toContain('      a1: cloud=aws, browser=chrome');
    expect(stdout).toContain('    declared but carried by no target: cloud=azure');
    expect(stdout).toContain('batch 1: 4 target(s): a1, g1, a3, g2');
  });

  it('puts the same in --json', async () => {
    const plan = JSON.parse((await fixture().cli('plan', '--json')).stdout);
    const [app] = plan.components;
    expect(app.batches.map((b: { targets: string[] }) => b.targets)).toEqual([
      ['a1', 'g1', 'a3', 'g2'],
      ['a2', 'g3'],
    ]);
    expect(app.canaries).toMatchObject({
      coverage: 'all',
      lowerBound: 4,
      missing: [{ label: 'cloud', value: 'azure' }],
    });
  });
});

describe('tranche deploy with dependency constraints', CLI_RUNS, () => {
  it('refuses with the exact unmet constraint (exit 2) and deploys nothing when storage is too old', async () => {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.13.yml')).code).toBe(0);
    const before = f.log();
    const run = await f.cli('deploy');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'tranche: refusing to deploy shop 3.1.1 in prod: requires storage >=2.14.0, but prod runs storage 2.13.1\n',
    );
    expect(f.log()).toBe(before);
  });

  it('deploys once storage is new enough, and then refuses to roll storage back below it', async () => {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.13.yml')).code).toBe(0);
    expect((await f.cli('deploy', '-c', 'storage-2.14.yml')).code).toBe(0);
    expect((await f.cli('deploy')).code).toBe(0);
    const rollback = await f.cli('rollback', '-c', 'storage-2.13.yml', '--to', '2.13.1');
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toContain(
      'refusing to roll back to storage 2.13.1 in prod: shop 3.1.1 in prod requires storage >=2.14.0, which 2.13.1 does not satisfy',
    );
  });
});

describe('fleet-wide verdicts', CLI_RUNS, () => {
  /** shop 3.1.1 and 3.1.2 live in turn, then job outcomes: 3.1.2 fails 12 % where 3.1.1 failed 2 %. */
  async function withOutcomes() {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.14.yml')).code).toBe(0);
    for (let i = 0; i < 2; i++) expect((await f.cli('deploy')).code).toBe(0);
    const random = seededRandom(3);
    await withLedgerAt(f.ledger, (ledger) =>
      ledger.recordOutcomes(
        ['3.1.1', '3.1.2'].flatMap((version, v) =>
          Array.from({ length: 400 }, (_, i) => ({
            service: 'shop',
            version,
            environment: 'prod',
            outcome: random.uniform() < (v === 0 ? 0.02 : 0.12) ? ('failure' as const) : ('success' as const),
            source: 'ci',
            sourceId: `${version}-${i}`,
            at: Date.UTC(2026, 11, 1) + v * 1_000_000 + i,
          })),
        ),
      ),
    );
    return f;
  }

  it('tranche report records a job’s outcome once, however often it reports', async () => {
    const f = fixture();
    const first = await f.cli('report', '--version', '3.1.1', '--outcome', 'failure', '--job', 'build-17');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toBe('recorded failure of shop 3.1.1 in prod (job build-17 from report)\n');
    const again = await f.cli('report', '--version', '3.1.1', '--outcome', 'failure', '--job', 'build-17');
    expect(again.stdout).toContain('already recorded, unchanged');
    const outcomes = await withLedgerAt(f.ledger, (l) => l.outcomes({ service: 'shop' }));
    expect(outcomes.map((o) => [o.sourceId, o.outcome])).toEqual([['build-17', 'failure']]);
  });

  it('tranche report refuses a job of a repository that does not own the service (exit 2), recording nothing', async () => {
    const f = fixture();
    await withLedgerAt(f.ledger, (l) => l.bindService('shop', ['acme/shop'], Date.now()));
    const run = await runCli(['report', '--version', '3.1.1', '--outcome', 'failure', '--job', 'j-1'], {
      cwd: f.dir,
      env: { GITHUB_REPOSITORY: 'mallory/shop' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tranche: shop belongs to acme/shop, not to mallory/shop:');
    expect(await withLedgerAt(f.ledger, (l) => l.outcomes({ service: 'shop' }))).toEqual([]);
  });

  it('tranche report names the argument it cannot use (exit 2)', async () => {
    const run = await fixture().cli('report', '--version', '3.1.1', '--outcome', 'flaky');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--outcome: expected success or failure, got 'flaky'");
  });

  it('tranche verdict finds the bad version, records it with its evidence, and exits 1', async () => {
    const f = await withOutcomes();
    const run = await f.cli('verdict', '--version', '3.1.2');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^shop 3\.1\.2: BAD — 3\.1\.2 failed \d+\.\d\d % of 400 outcomes, 3\.1\.1 /);
    expect(run.stdout).toContain('log10 e-value per');
    expect(run.stdout).toContain('1/alpha=100');
    expect(run.stdout).toMatch(/rollback \(failing\):\n {2}prod: roll back — \d+ of 400 failed/);
    const [recorded] = await withLedgerAt(f.ledger, (l) => l.verdicts('shop', '3.1.2'));
    expect(recorded).toMatchObject({ verdict: 'bad', kind: 'computed', actor: 'tranche verdict' });
    expect(recorded?.evidence).toMatchObject({ baseline: '3.1.1', samples: 400 });
  });

  it('tranche verdict --version of a version nobody reported on records nothing, and says so', async () => {
    const f = await withOutcomes();
    const run = await f.cli('verdict', '--version', '77');
    expect([run.code, run.stdout]).toEqual([0, 'no outcomes of shop 77 reported yet (tranche report)\n']);
    expect(await withLedgerAt(f.ledger, (l) => l.verdicts('shop', '77'))).toEqual([]);
    expect((await f.cli('verdict', '--json')).stdout).not.toContain('"77"');
  });

  it('tells a standing verdict with the outcomes of now', async () => {
    const f = await withOutcomes();
    await f.cli('verdict');
    for (const job of ['late-1', 'late-2'])
      await f.cli('report', '--version', '3.1.2', '--outcome', 'failure', '--job', job);
    const run = await f.cli('verdict', '--version', '3.1.2');
    expect(run.stdout).toMatch(/^shop 3\.1\.2: BAD — 3\.1\.2 failed \d+\.\d\d % of 402 outcomes/);
  });

  it('records a verdict again only when it changes', async () => {
    const f = await withOutcomes();
    await f.cli('verdict');
    await f.cli('verdict');
    const records = await withLedgerAt(f.ledger, (l) => l.verdicts('shop'));
    expect(records.map((r) => `${r.version}:${r.verdict}`)).toEqual(['3.1.2:bad', '3.1.1:pending']);
  });

  it('refuses a deploy of the bad version, and a rollback to it, naming the verdict (exit 2)', async () => {
    const f = await withOutcomes();
    await f.cli('verdict');
    await f.cli('rollback', '--to', '3.1.1');
    const before = f.log();
    const deploy = await f.cli('deploy', '--version', '3.1.2');
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toMatch(
      /^tranche: refusing to deploy shop 3\.1\.2 in prod: its verdict is bad \(recorded \S+ by tranche verdict\): 3\.1\.2 failed/,
    );
    const rollback = await f.cli('rollback', '--to', '3.1.2');
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toContain('refusing to roll back to shop 3.1.2 in prod: its verdict is bad');
    expect(f.log()).toBe(before);
  });

  it('mark-good overrides it with who and why, keeping the computed verdict, and lets the deploy go', async () => {
    const f = await withOutcomes();
    await f.cli('verdict');
    const mark = await f.cli(
      'verdict',
      'mark-good',
      '3.1.2',
      '--reason',
      'a bad input file, not the release',
    );
    expect(mark.code).toBe(0);
    expect(mark.stdout).toMatch(
      /^shop 3\.1\.2: marked good by alice at \S+: a bad input file, not the release\n$/,
    );
    const shown = await f.cli('verdict', '--version', '3.1.2');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /^shop 3\.1\.2: GOOD — marked good by alice: a bad input file, not the release\n {2}computed: bad/,
    );
    expect((await f.cli('deploy', '--version', '3.1.2')).code).toBe(0);
    const records = await withLedgerAt(f.ledger, (l) => l.verdicts('shop', '3.1.2'));
    expect(records.map((r) => `${r.kind}:${r.verdict}`)).toEqual(['computed:bad', 'override:good']);
  });

  it('tranche verdict lists a version marked bad before any job reported on it, and exits 1', async () => {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.14.yml')).code).toBe(0);
    const deployed = await f.cli('deploy', '--json');
    const { version } = JSON.parse(deployed.stdout);
    expect((await f.cli('verdict', 'mark-bad', version, '--reason', 'corrupts carts')).code).toBe(0);
    const shown = await f.cli('verdict', '--json');
    expect(shown.code).toBe(1);
    expect(JSON.parse(shown.stdout)).toEqual([
      expect.objectContaining({
        version,
        verdict: 'bad',
        rollback: [expect.objectContaining({ environment: 'prod' })],
      }),
    ]);
  });

  it('mark-bad needs a reason (exit 2)', async () => {
    const run = await fixture().cli('verdict', 'mark-bad', '3.1.1');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('mark-bad needs --reason');
  });
});

describe('tranche tracks', CLI_RUNS, () => {
  it('shows which version is on which track: a deploy to the environment puts it on the ring and the whole environment', async () => {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.14.yml')).code).toBe(0);
    expect((await f.cli('deploy')).code).toBe(0);
    const run = await f.cli('tracks', '--json');
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout);
    expect(shown.tracks.map((t: { track: string; version: string }) => [t.track, t.version])).toEqual([
      ['canary', '3.1.1'],
      ['stable', '3.1.1'],
    ]);
    expect(shown.next).toBeNull();
  });

  it('shows a version deployed to the ring only on the ring, and the whole environment as running no one version', async () => {
    const f = fixture();
    expect((await f.cli('deploy', '-c', 'storage-2.14.yml')).code).toBe(0);
    expect((await f.cli('deploy')).code).toBe(0);
    // The Action ran a ring deploy (payload.tranche.targets: the firefox targets) of 3.1.2.
    const at = Date.now();
    const base = { runId: 'ring-run', service: 'shop', environment: 'prod', version: '3.1.2' };
    await withLedgerAt(f.ledger, async (ledger) => {
      await ledger.record({ ...base, seq: 1, at, kind: 'run_started', status: 'started' });
      await ledger.updateTargets('shop', 'prod', 'ring-run', [
        { component: 'app', target: 'g1', version: '3.1.2', good: true },
        { component: 'app', target: 'a3', version: '3.1.2', good: true },
      ]);
      const finished = { decision: 'succeeded' };
      await ledger.record({
        ...base,
        seq: 2,
        at: at + 1,
        kind: 'run_finished',
        status: 'ok',
        data: finished,
      });
    });
    const shown = JSON.parse((await f.cli('tracks', '--json')).stdout);
    expect(shown.tracks.map((t: { track: string; version: string }) => [t.track, t.version])).toEqual([
      ['canary', '3.1.2'],
      ['stable', null],
    ]);
    expect(shown.blocked).toEqual([
      expect.objectContaining({ version: '3.1.2', from: 'canary', to: 'stable', reason: 'manual' }),
    ]);
    // Stable is the whole environment: a deploy of the version there promotes it.
    expect((await f.cli('tracks')).stdout).toContain(
      'waiting: canary → stable: stable is promoted to by hand: tranche deploy -e prod --version 3.1.2\n',
    );
  });

  it('holds a track and lifts the hold', async () => {
    const f = fixture();
    const hold = await f.cli('tracks', 'hold', 'stable', '--reason', 'quarter-end freeze');
    expect(hold).toMatchObject({ code: 0 });
    expect((await f.cli('tracks')).stdout).toContain('stable (HELD)');
    expect((await f.cli('tracks', 'hold', 'stable', '--reason', 'again', '--by', 'bob')).code).toBe(1);
    const again = await f.cli('tracks', 'hold', 'stable', '--reason', 'still frozen');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^stable was already on hold by alice \(since .+\); its reason is now: still frozen\n$/,
    );
    expect((await f.cli('tracks', '--json')).stdout).toContain('"reason": "still frozen"');
    expect((await f.cli('tracks', 'release', 'stable')).stdout).toBe(
      "stable is no longer on hold (was alice's)\n",
    );
  });
});
