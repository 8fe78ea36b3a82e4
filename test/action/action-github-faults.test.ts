import { beforeAll, describe, expect, it } from 'vitest';
import { useWorkspaces } from './fleet.ts';
import { bodies, expectAllScopesDone, sequence } from './harness/expect.ts';
import { type ActionRun, runAction } from './harness/runner.ts';
import { firstVersion, gh, reports, SHA } from './harness/scenario.ts';

const workspace = useWorkspaces();

const R = '/repos/acme/shop';

describe('the bundled Action against a misbehaving GitHub', () => {
  describe('when another run took the next version’s tag first', () => {
    let run: ActionRun;
    beforeAll(async () => {
      run = await runAction({
        workspace: workspace().dir,
        interactions: [
          gh.createCheckRun(7),
          gh.listDeployments('prod', []),
          gh.matchingTags('shop', ['1.1', '1.2']),
          gh.createTag(422),
          gh.createTag(),
          gh.createDeployment(9),
          ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
        ],
      });
    });

    it('takes the next number: 1.3 answered 422 "Reference already exists", 1.4 is created', () => {
      expect(bodies(run, 'POST', '/git/refs')).toEqual([
        { ref: 'refs/tags/tranche/shop/1.3', sha: SHA },
        { ref: 'refs/tags/tranche/shop/1.4', sha: SHA },
      ]);
      expect(sequence(run)).toEqual([
        `POST ${R}/check-runs`,
        `GET ${R}/deployments?environment=prod&per_page=100`,
        `GET ${R}/git/matching-refs/tags%2Ftranche%2Fshop%2F`,
        `POST ${R}/git/refs`,
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

    it('deploys and reports the version it got', () => {
      expect(run.code).toBe(0);
      expect(run.outputs.version).toBe('1.4');
      const [deployment] = bodies(run, 'POST', '/deployments');
      expect(deployment).toMatchObject({ payload: { tranche: { version: '1.4' } } });
    });
  });

  describe('when creating the deployment answers 502 but GitHub created it', () => {
    let run: ActionRun;
    beforeAll(async () => {
      run = await runAction({
        workspace: workspace().dir,
        interactions: [
          gh.createCheckRun(7),
          ...firstVersion(),
          gh.createDeployment(9, 502),
          gh.findDeployment(9),
          ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
        ],
      });
    });

    it('finds it by the run id in its payload instead of creating a second one', () => {
      expect(sequence(run).filter((r) => r === `POST ${R}/deployments`)).toHaveLength(1);
      expect(sequence(run).slice(4, 7)).toEqual([
        `POST ${R}/deployments`,
        `GET ${R}/deployments?sha=${SHA}&environment=prod&per_page=10`,
        `POST ${R}/deployments/9/statuses`,
      ]);
      expectAllScopesDone(run);
    });

    it('carries on with that deployment', () => {
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ 'deployment-id': '9', decision: 'succeeded', version: '1.1' });
    });
  });

  describe('when creating the deployment answers 502 and GitHub did not create it', () => {
    let run: ActionRun;
    beforeAll(async () => {
      run = await runAction({
        workspace: workspace().dir,
        interactions: [
          gh.createCheckRun(7),
          ...firstVersion(),
          gh.createDeployment(9, 502),
          gh.findDeployment(undefined),
          gh.createDeployment(9),
          ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
        ],
      });
    });

    it('looks first, then creates it once more with the same payload', () => {
      const [first, second] = bodies(run, 'POST', '/deployments');
      expect(second).toEqual(first);
      expect(sequence(run).slice(4, 7)).toEqual([
        `POST ${R}/deployments`,
        `GET ${R}/deployments?sha=${SHA}&environment=prod&per_page=10`,
        `POST ${R}/deployments`,
      ]);
      expect(run.code).toBe(0);
      expectAllScopesDone(run);
    });
  });

  describe('when GitHub answers a read with 502 and writes with secondary rate limits', () => {
    let run: ActionRun;
    beforeAll(async () => {
      run = await runAction({
        workspace: workspace().dir,
        interactions: [
          gh.createCheckRun(7),
          { ...gh.listDeployments('prod', []), status: 502, body: { message: 'Bad Gateway' } },
          ...firstVersion(),
          gh.createDeployment(9, 403, { 'retry-after': '1' }),
          gh.createDeployment(9),
          gh.createStatus(9, 429, { 'retry-after': '1' }),
          ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
        ],
      });
    });

    it('retries the read after the 502, and each refused write once, in this order', () => {
      expect(sequence(run)).toEqual([
        `POST ${R}/check-runs`,
        `GET ${R}/deployments?environment=prod&per_page=100`,
        `GET ${R}/deployments?environment=prod&per_page=100`,
        `GET ${R}/git/matching-refs/tags%2Ftranche%2Fshop%2F`,
        `POST ${R}/git/refs`,
        `POST ${R}/deployments`,
        `POST ${R}/deployments`,
        `POST ${R}/deployments/9/statuses`,
        `POST ${R}/deployments/9/statuses`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `PATCH ${R}/check-runs/7`,
        `POST ${R}/deployments/9/statuses`,
      ]);
    });

    it('waits out the secondary rate limit and sends the refused deployment again, once: a 403 created nothing', () => {
      expect(sequence(run).slice(5, 9)).toEqual([
        `POST ${R}/deployments`,
        `POST ${R}/deployments`,
        `POST ${R}/deployments/9/statuses`,
        `POST ${R}/deployments/9/statuses`,
      ]);
      expect(run.stdout).toContain(
        'secondary rate limit on POST /repos/{owner}/{repo}/deployments: retrying in 1 s',
      );
      expectAllScopesDone(run);
    });

    it('deploys as if nothing had happened', () => {
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ decision: 'succeeded', 'deployment-id': '9' });
    });
  });

  describe('when GitHub refuses a check-run update', () => {
    let run: ActionRun;
    let f: ReturnType<typeof workspace>;
    beforeAll(async () => {
      f = workspace();
      run = await runAction({
        workspace: f.dir,
        interactions: [
          gh.createCheckRun(7),
          ...firstVersion(),
          gh.createDeployment(9),
          gh.createStatus(9),
          { ...gh.updateCheckRun(7), status: 422, body: { message: 'Invalid request' } },
          gh.updateCheckRun(7),
          gh.updateCheckRun(7),
          gh.createStatus(9),
        ],
      });
    });

    it('warns and deploys on: a report that could not be sent is no reason to roll back', () => {
      expect(run.stdout).toContain('::warning::could not update the check run: Invalid request');
      expect(run.code).toBe(0);
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.1', '1.1', '1.1']);
      expectAllScopesDone(run);
    });
  });
  // The hint about the token's permission is for a refusal, not for any failure.
  describe.each([
    { status: 403, message: 'Resource not accessible by integration', hint: true },
    { status: 422, message: 'Invalid request', hint: false },
  ])('when GitHub answers $status to the check run', ({ status, message, hint }) => {
    let run: ActionRun;
    let f: ReturnType<typeof workspace>;
    beforeAll(async () => {
      f = workspace();
      run = await runAction({
        workspace: f.dir,
        interactions: [
          { ...gh.createCheckRun(7, status), body: { message } },
          ...firstVersion(),
          gh.createDeployment(9),
          gh.createStatus(9),
          gh.createStatus(9),
        ],
      });
    });

    it(`warns${hint ? ', asks about checks: write,' : ''} and deploys without the check run`, () => {
      const warning = `::warning::could not create the check run${hint ? ' (does the token have checks: write?)' : ''}: ${message}`;
      expect(run.stdout).toContain(warning);
      expect(run.code).toBe(0);
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.1', '1.1', '1.1']);
      expectAllScopesDone(run);
    });
  });
});
