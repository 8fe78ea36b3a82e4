import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/engine/result.ts';
import { RECORDING_DEPLOY } from '../support/cli.ts';
import { fleetConfig, useWorkspaces } from './fleet.ts';
import { bodies, expectAllScopesDone, sequence, summaryOf, titleOf } from './harness/expect.ts';
import { type ActionRun, RUNTIME_TOKEN, runAction, TEST_TOKEN } from './harness/runner.ts';
import { firstRollout, gh, reports, SHA } from './harness/scenario.ts';

const workspace = useWorkspaces();

/** A latency check that reads 480 ms on t-3 and 120 ms elsewhere, noting each reading in state/checks. */
const LATENCY_HIGH_ON_T3 = `#!/bin/sh
value=120
if [ "$TRANCHE_TARGET" = t-3 ]; then value=480; fi
mkdir -p state
echo "$TRANCHE_TARGET $value" >> state/checks
echo "{\\"value\\": $value}"
`;

const R = '/repos/acme/shop';
const URL_TEMPLATE = 'https://{version}.prod.example.com';
const RUN_URL = 'https://github.com/acme/shop/actions/runs/4242';

/** A deploy of 1.3 over deployment 5 (1.2, live), ending with one more status posted to deployment 5. */
function overLiveDeployment() {
  return [
    gh.createCheckRun(7),
    gh.listDeployments('prod', [{ id: 5, version: '1.2' }]),
    gh.listStatuses(5, 'success'),
    gh.matchingTags('shop', ['1.1', '1.2']),
    gh.createTag(),
    gh.createDeployment(9),
    ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
    gh.createStatus(5),
  ];
}

function result(run: ActionRun): DeployResult {
  return JSON.parse(run.outputs.result ?? 'null') as DeployResult;
}

describe('the bundled Action, run as a runner runs it', () => {
  describe('on a push, when every batch is healthy', () => {
    let f: ReturnType<typeof workspace>;
    let run: ActionRun;
    beforeAll(async () => {
      f = workspace({ 'deploy.sh': `${RECORDING_DEPLOY}env > "state/env-$TRANCHE_TARGET"\n` });
      run = await runAction({ workspace: f.dir, interactions: firstRollout() });
    });

    it('sends exactly this sequence of GitHub requests: one check-run update per batch, not per target', async () => {
      expect(sequence(run)).toEqual([
        `POST ${R}/check-runs`,
        `GET ${R}/deployments?environment=prod&per_page=100`,
        `GET ${R}/git/matching-refs/tags%2Ftranche%2Fshop%2F`,
        `POST ${R}/git/refs`,
        `POST ${R}/deployments`,
        `POST ${R}/deployments/9/statuses`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `POST ${R}/deployments/9/statuses`,
      ]);
      expectAllScopesDone(run);
    });

    it('tags the version after the highest existing tag on the deployed commit', async () => {
      expect(bodies(run, 'POST', '/git/refs')).toEqual([{ ref: 'refs/tags/tranche/shop/1.3', sha: SHA }]);
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.3', '1.3', '1.3']);
      expectAllScopesDone(run);
    });

    it('creates one deployment with the payload contract and posts in_progress, then success', async () => {
      const [deployment] = bodies(run, 'POST', '/deployments');
      expect(deployment).toEqual({
        ref: SHA,
        environment: 'prod',
        task: 'deploy',
        auto_merge: false,
        required_contexts: [],
        payload: { tranche: { schemaVersion: 1, version: '1.3', rollback: false, runId: result(run).runId } },
        description: 'shop 1.3 by tranche',
      });
      expect(bodies(run, 'POST', '/deployments/9/statuses')).toEqual([
        { state: 'in_progress', description: 'deploying 1.3', log_url: RUN_URL },
        { state: 'success', description: '1.3 is live on every target', log_url: RUN_URL },
      ]);
      expectAllScopesDone(run);
    });

    it('creates the check run in progress and completes it as success with the report', async () => {
      const [created] = bodies(run, 'POST', '/check-runs');
      expect(created).toMatchObject({
        name: 'tranche / prod',
        head_sha: SHA,
        status: 'in_progress',
        external_id: result(run).runId,
        details_url: RUN_URL,
      });
      const updates = bodies(run, 'PATCH', '/check-runs/7');
      expect(updates.map(titleOf)).toEqual([
        '1.3: app batch 1 healthy',
        '1.3: app batch 2 healthy',
        'shop 1.3 → prod: succeeded (all_batches_healthy)',
      ]);
      expect(updates[2]).toMatchObject({
        status: 'completed',
        conclusion: 'success',
        output: { annotations: [] },
      });
      expectAllScopesDone(run);
    });

    it('sets every output and writes the same report to the job summary', async () => {
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        version: '1.3',
        decision: 'succeeded',
        'reason-code': 'all_batches_healthy',
        'deployment-id': '9',
        'check-run-id': '7',
      });
      expect(result(run)).toMatchObject({ schemaVersion: 1, version: '1.3', previousVersion: null });
      const [, , completed] = bodies(run, 'PATCH', '/check-runs/7');
      expect(run.summary.trim()).toBe(summaryOf(completed).trim());
      expect(run.summary).toContain('OK: latency on t-1 (120.00 ms) is within limits (max 300.00 ms)');
      expectAllScopesDone(run);
    });

    it('keeps the token out of the deploy commands’ environment', () => {
      const env = readFileSync(f.path('state/env-t-1'), 'utf8');
      expect(env).toContain('TRANCHE_VERSION=1.3');
      expect(env).not.toContain(TEST_TOKEN);
      expect(env).not.toMatch(/^INPUT_/m);
      expect(env).not.toContain(RUNTIME_TOKEN);
      expect(env).not.toMatch(/^ACTIONS_RESULTS_URL=/m);
    });

    it('never prints the token', async () => {
      expect(run.stdout.replace(`::add-mask::${TEST_TOKEN}`, '')).not.toContain(TEST_TOKEN);
      expect(run.stderr).not.toContain(TEST_TOKEN);
      expectAllScopesDone(run);
    });
  });

  describe('with a url for the environment, over a live deployment', () => {
    let run: ActionRun;
    beforeAll(async () => {
      const f = workspace({ 'tranche.yml': fleetConfig({ url: URL_TEMPLATE }) });
      run = await runAction({
        workspace: f.dir,
        interactions: overLiveDeployment(),
      });
    });

    it('links the version’s address from the success status, and from no other', async () => {
      expect(run.code).toBe(0);
      expect(bodies(run, 'POST', '/deployments/9/statuses')).toEqual([
        { state: 'in_progress', description: 'deploying 1.3 (live: 1.2)', log_url: RUN_URL },
        {
          state: 'success',
          description: '1.3 is live on every target',
          log_url: RUN_URL,
          environment_url: 'https://1.3.prod.example.com',
        },
      ]);
      expectAllScopesDone(run);
    });

    it('marks the deployment that was live inactive once the new one succeeded', async () => {
      expect(sequence(run).slice(-2)).toEqual([
        `POST ${R}/deployments/9/statuses`,
        `POST ${R}/deployments/5/statuses`,
      ]);
      expect(bodies(run, 'POST', '/deployments/5/statuses')).toEqual([
        { state: 'inactive', description: 'superseded by 1.3' },
      ]);
      expectAllScopesDone(run);
    });
  });

  describe('when batch 2 fails its check', () => {
    let f: ReturnType<typeof workspace>;
    let run: ActionRun;
    beforeAll(async () => {
      f = workspace({ 'check.sh': LATENCY_HIGH_ON_T3, 'tranche.yml': fleetConfig({ url: URL_TEMPLATE }) });
      run = await runAction({ workspace: f.dir, interactions: overLiveDeployment() });
    });

    it('rolls every touched target back to the live deployment’s version and fails the step', async () => {
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({
        decision: 'rolled_back',
        'reason-code': 'check_failed',
        version: '1.3',
      });
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.2', '1.2', '1.2']);
      expect(run.stdout).toContain('::error::shop 1.3 → prod: rolled back (check_failed)');
      expectAllScopesDone(run);
    });

    it('completes the check run as failure with an annotation at the failing check’s line', async () => {
      const updates = bodies(run, 'PATCH', '/check-runs/7');
      expect(updates.map(titleOf)).toEqual([
        '1.3: app batch 1 healthy',
        '1.3: app batch 2 failed',
        'shop 1.3 → prod: rolled back (check_failed)',
      ]);
      expect(updates[2]).toMatchObject({
        status: 'completed',
        conclusion: 'failure',
        output: {
          annotations: [
            {
              path: 'tranche.yml',
              start_line: 14,
              end_line: 14,
              annotation_level: 'failure',
              title: 'check latency failed on t-3',
              message: 'value 480 is greater than max 300 (batch 2)',
            },
          ],
        },
      });
      const summary = summaryOf(updates[2]);
      expect(summary).toContain(
        'CRITICAL: latency on t-3 (480.00 ms) is greater than maximum allowed (300.00 ms)',
      );
      expect(summary).toContain('```mermaid\nxychart-beta');
      expectAllScopesDone(run);
    });

    it('marks the deployment failed, saying so, and makes the previous version’s deployment active again', async () => {
      expect(sequence(run)).toEqual([
        `POST ${R}/check-runs`,
        `GET ${R}/deployments?environment=prod&per_page=100`,
        `GET ${R}/deployments/5/statuses?per_page=1`,
        `GET ${R}/git/matching-refs/tags%2Ftranche%2Fshop%2F`,
        `POST ${R}/git/refs`,
        `POST ${R}/deployments`,
        `POST ${R}/deployments/9/statuses`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `POST ${R}/deployments/9/statuses`,
        `POST ${R}/deployments/5/statuses`,
      ]);
      const [, failed] = bodies(run, 'POST', '/deployments/9/statuses');
      expect(failed).toMatchObject({ state: 'failure', log_url: RUN_URL });
      expect(failed).not.toHaveProperty('environment_url');
      expect(String(failed?.description)).toMatch(/^rolled back: .*; 1\.2 is active again$/);
      expect(String(failed?.description).length).toBeLessThanOrEqual(140);
      expect(bodies(run, 'POST', '/deployments/5/statuses')).toEqual([
        {
          state: 'success',
          description: 'active again: 1.3 was rolled back to 1.2',
          log_url: RUN_URL,
          environment_url: 'https://1.2.prod.example.com',
        },
      ]);
      expectAllScopesDone(run);
    });
  });
});
