import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withLedgerAt } from '../support/ledgers.ts';
import { useWorkspaces } from './fleet.ts';
import { bodies, expectAllScopesDone, sequence, titleOf } from './harness/expect.ts';
import { type ActionRun, runAction } from './harness/runner.ts';
import { gh, type Interaction, reports, SHA } from './harness/scenario.ts';

const workspace = useWorkspaces();

const R = '/repos/acme/shop';
const OLD_SHA = '0123456789abcdef0123456789abcdef01234567';

function deploymentEvent(id: number, tranche: unknown) {
  return {
    name: 'deployment',
    payload: { action: 'created', deployment: { id, sha: SHA, environment: 'prod', payload: { tranche } } },
  };
}

/**
 * How a run on the bot's deployment of `deployment.version` (tagged at `deployment.sha`) starts
 * while `live` is prod's live deployment: check run 7, both deployments and their latest statuses
 * read, the version's tag read.
 */
function onBotDeployment(
  deployment: { id: number; version: string; sha?: string },
  live: { id: number; version: string },
): Interaction[] {
  return [
    gh.createCheckRun(7),
    gh.listDeployments('prod', [{ id: deployment.id, version: deployment.version }, live]),
    gh.listStatuses(deployment.id, undefined),
    gh.listStatuses(live.id, 'success'),
    gh.getTag('shop', deployment.version, deployment.sha),
  ];
}

describe('the bundled Action on a deployment event (the bot’s bus)', () => {
  describe('naming a version and a subset of targets', () => {
    let run: ActionRun;
    let f: ReturnType<typeof workspace>;
    beforeAll(async () => {
      f = workspace();
      run = await runAction({
        workspace: f.dir,
        event: deploymentEvent(77, {
          schemaVersion: 1,
          version: '1.5',
          targets: ['t-1', 't-2'],
          requestedBy: 'octocat',
        }),
        interactions: [
          ...onBotDeployment({ id: 77, version: '1.5' }, { id: 5, version: '1.2' }),
          ...reports({ checkRun: 7, deployment: 77, batches: 2 }),
        ],
      });
    });

    it('uses that deployment: no tag, no new deployment, its statuses in_progress then success', () => {
      expect(sequence(run)).not.toContain(`POST ${R}/git/refs`);
      expect(sequence(run)).not.toContain(`POST ${R}/deployments`);
      expect(bodies(run, 'POST', '/deployments/77/statuses').map((b) => b.state)).toEqual([
        'in_progress',
        'success',
      ]);
      expect(run.outputs).toMatchObject({ version: '1.5', 'deployment-id': '77', decision: 'succeeded' });
      expectAllScopesDone(run);
    });

    it('leaves the deployment that was live active: it still runs on the other targets', () => {
      expect(sequence(run)).not.toContain(`POST ${R}/deployments/5/statuses`);
    });

    it('deploys the named version to the named targets only', () => {
      expect([f.versionOf('t-1'), f.versionOf('t-2')]).toEqual(['1.5', '1.5']);
      expect(existsSync(f.path('state/t-3'))).toBe(false);
    });
  });

  describe('asking for a rollback to a version', () => {
    let run: ActionRun;
    let f: ReturnType<typeof workspace>;
    beforeAll(async () => {
      f = workspace();
      run = await runAction({
        workspace: f.dir,
        event: deploymentEvent(78, { schemaVersion: 1, version: '1.2', rollback: true }),
        interactions: [
          ...onBotDeployment({ id: 78, version: '1.2', sha: OLD_SHA }, { id: 6, version: '1.3' }),
          ...reports({ checkRun: 7, deployment: 78, batches: 1 }),
          gh.createStatus(6),
        ],
      });
    });

    it('puts the version back on every target at once, as a rollback, built from its tagged commit', () => {
      expect(run.code).toBe(0);
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.2', '1.2', '1.2']);
      expect(f.log()).toMatch(/^rollback t-\d 1\.2$/m);
      const result = JSON.parse(run.outputs.result ?? '{}');
      expect(result).toMatchObject({ version: '1.2', previousVersion: '1.3', commit: OLD_SHA });
      expect(result.components[0].batches).toHaveLength(1);
      expectAllScopesDone(run);
    });

    it('marks the deployment it rolled back from inactive', () => {
      expect(bodies(run, 'POST', '/deployments/6/statuses')).toEqual([
        { state: 'inactive', description: 'superseded by 1.2' },
      ]);
      expectAllScopesDone(run);
    });
  });

  describe('naming a version built from another commit', () => {
    let run: ActionRun;
    let f: ReturnType<typeof workspace>;
    beforeAll(async () => {
      f = workspace();
      run = await runAction({
        workspace: f.dir,
        event: deploymentEvent(80, { schemaVersion: 1, version: '1.5' }),
        interactions: [
          ...onBotDeployment({ id: 80, version: '1.5', sha: OLD_SHA }, { id: 5, version: '1.2' }),
          gh.updateCheckRun(7),
          gh.createStatus(80),
        ],
      });
    });

    it('refuses with an error status and a failed check run, and runs nothing', () => {
      expect(run.code).toBe(1);
      const [status] = bodies(run, 'POST', '/deployments/80/statuses');
      expect(status).toMatchObject({ state: 'error' });
      expect(String(status?.description)).toMatch(
        /^the deploy did not start: shop 1\.5 was built from commit 0123456789ab, but this deployment is of /,
      );
      expect(bodies(run, 'PATCH', '/check-runs/7')[0]).toMatchObject({ conclusion: 'failure' });
      expect(existsSync(f.path('state'))).toBe(false);
      expectAllScopesDone(run);
    });
  });

  describe('with a payload naming a target the environment does not have', () => {
    let run: ActionRun;
    beforeAll(async () => {
      run = await runAction({
        workspace: workspace().dir,
        event: deploymentEvent(79, { schemaVersion: 1, targets: ['t-9'] }),
        interactions: [gh.createStatus(79)],
      });
    });

    it('tells the deployment why with an error status, and deploys nothing', () => {
      expect(run.code).toBe(1);
      expect(bodies(run, 'POST', '/deployments/79/statuses')).toEqual([
        {
          state: 'error',
          description:
            'payload.tranche.targets: t-9 is not a target of this environment (targets: t-1, t-2, t-3)',
        },
      ]);
      expect(run.stdout).toContain('::error::payload.tranche.targets: t-9 is not a target');
      expectAllScopesDone(run);
    });
  });
});

describe('the bundled Action with dry-run', () => {
  let run: ActionRun;
  let f: ReturnType<typeof workspace>;
  beforeAll(async () => {
    f = workspace();
    run = await runAction({
      workspace: f.dir,
      inputs: { 'dry-run': 'true', ledger: 'records/ledger.db' },
      interactions: [gh.createCheckRun(7), gh.updateCheckRun(7)],
    });
  });

  it('reports the plan to a neutral check run and runs nothing: no tags, no deployments, no commands, no ledger', () => {
    expect(sequence(run)).toEqual([`POST ${R}/check-runs`, `PATCH ${R}/check-runs/7`]);
    const [completed] = bodies(run, 'PATCH', '/check-runs/7');
    expect(completed).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(titleOf(completed)).toBe('dry run: shop → prod');
    expect(existsSync(f.path('state'))).toBe(false);
    expect(existsSync(f.path('records'))).toBe(false);
    expectAllScopesDone(run);
  });

  it('says what it would do, and outputs decision planned with the plan as the result', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('would deploy app in 2 batch(es): 1, 2 target(s)');
    expect(run.outputs).toMatchObject({
      decision: 'planned',
      'reason-code': 'dry_run',
      version: '',
      'deployment-id': '',
    });
    expect(JSON.parse(run.outputs.result ?? '{}')).toMatchObject({ service: 'shop', environment: 'prod' });
    expect(run.summary).toContain('dry run, nothing deployed');
  });
});

describe('the bundled Action with an invalid tranche.yml', () => {
  let run: ActionRun;
  beforeAll(async () => {
    const broken =
      'service: shop\nenvironments:\n  prod:\n    components:\n      - name: app\n        targets: []\n        deploy: ./deploy.sh\n';
    run = await runAction({ workspace: workspace({ 'tranche.yml': broken }).dir, interactions: [] });
  });

  it('fails with an error annotation at the file and line, before any GitHub request', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error file=tranche\.yml,line=6,col=\d+::/);
    expect(run.recording.requests).toEqual([]);
    expectAllScopesDone(run);
  });
});

describe('the bundled Action with a SQLite ledger', () => {
  let run: ActionRun;
  let f: ReturnType<typeof workspace>;
  beforeAll(async () => {
    f = workspace();
    run = await runAction({
      workspace: f.dir,
      inputs: { ledger: '.tranche/ledger.db', 'production-environment': 'true' },
      env: { GITHUB_ACTOR: 'octocat' },
      interactions: [
        gh.createCheckRun(7),
        gh.listDeployments('prod', []),
        gh.createDeployment(9),
        ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
      ],
    });
  });

  it('takes the version from the ledger and creates no tag', () => {
    expect(run.code).toBe(0);
    expect(run.outputs.version).toBe('1.1');
    expect(sequence(run)).not.toContain(`POST ${R}/git/refs`);
    expectAllScopesDone(run);
  });

  it('records the workflow’s actor as who started the run', async () => {
    const runs = await withLedgerAt(f.path('.tranche/ledger.db'), (l) => l.runs({}));
    expect(runs.map((r) => [r.version, r.actor])).toEqual([['1.1', 'octocat']]);
  });

  it('marks the deployment as production when the input says so', () => {
    expect(bodies(run, 'POST', '/deployments')).toMatchObject([{ production_environment: true }]);
    expect(bodies(run, 'POST', '/deployments')[0]).not.toHaveProperty('transient_environment');
  });
});
