import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleet, fleetConfig } from './fleet.ts';
import { bodies, expectAllScopesDone, sequence, titleOf } from './harness/expect.ts';
import { type ActionRun, startAction } from './harness/runner.ts';
import { gh } from './harness/scenario.ts';

const R = '/repos/acme/shop';
/** What the runner allows after SIGINT before SIGTERM, and then before it kills the process. */
const RUNNER_SIGTERM_AFTER_MS = 7_500;
const RUNNER_KILL_AFTER_MS = 10_000;

describe('the bundled Action, when the runner cancels the job mid-bake', () => {
  let run: ActionRun;
  let f: ReturnType<typeof fleet>;
  let killedByRunner = false;

  beforeAll(async () => {
    f = fleet({ 'tranche.yml': fleetConfig({ bake: '5m', checkEvery: '1s' }) });
    const started = startAction({
      workspace: f.dir,
      interactions: [
        gh.createCheckRun(7),
        gh.listDeployments('prod', [{ id: 5, version: '1.2' }]),
        gh.listStatuses(5, 'success'),
        gh.matchingTags('shop', ['1.2']),
        gh.createTag(),
        gh.createDeployment(9),
        gh.createStatus(9),
        gh.updateCheckRun(7),
        gh.updateCheckRun(7),
        gh.createStatus(9),
        gh.createStatus(5),
      ],
    });
    await started.waitFor(/app batch 1\/2 bake .* started/);
    // As the runner does: SIGINT, then SIGTERM, then the end.
    started.child.kill('SIGINT');
    const term = setTimeout(() => started.child.kill('SIGTERM'), RUNNER_SIGTERM_AFTER_MS);
    const kill = setTimeout(() => {
      killedByRunner = true;
      started.child.kill('SIGKILL');
    }, RUNNER_KILL_AFTER_MS);
    run = await started.done;
    clearTimeout(term);
    clearTimeout(kill);
  });

  afterAll(() => f.dispose());

  it('finishes on its own before the runner kills it', () => {
    expect(killedByRunner).toBe(false);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'cancelled', 'reason-code': 'cancelled' });
  });

  it('rolls the touched target back per onFailure and leaves the rest untouched', () => {
    expect(f.versionOf('t-1')).toBe('1.2');
    expect(f.log()).not.toMatch(/deploy t-[23] 1\.3/);
  });

  it('completes the check run as cancelled and the deployment as error', () => {
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
      `POST ${R}/deployments/9/statuses`,
      `POST ${R}/deployments/5/statuses`,
    ]);
    const [, completed] = bodies(run, 'PATCH', '/check-runs/7');
    expect(completed).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(titleOf(completed)).toBe('shop 1.3 → prod: cancelled (cancelled)');
    const [, final] = bodies(run, 'POST', '/deployments/9/statuses');
    expect(final).toMatchObject({ state: 'error' });
    expect(String(final?.description)).toMatch(/^cancelled: the run was cancelled; 1\.2 is active again$/);
    expect(bodies(run, 'POST', '/deployments/5/statuses')).toMatchObject([{ state: 'success' }]);
    expectAllScopesDone(run);
  });
});
