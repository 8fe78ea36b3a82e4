/**
 * The bundled Action as the conformance suite's front door: dist/index.js as its own process on a
 * `deployment` event naming the version (as the bot's deployments do), on the scenario's ledger,
 * GitHub played by nock. The decision is read from its outputs (the engine's result) and from what
 * it told the deployment.
 */

import { runAction } from '../action/harness/runner.ts';
import { gh, type Interaction } from '../action/harness/scenario.ts';
import { project } from '../support/cli.ts';
import { refusalIn } from './decisions.ts';
import { COMMIT, type Decision, ENVIRONMENT, type Scenario, trancheYml } from './scenarios.ts';

const DEPLOYMENT = 77;
const CHECK_RUN = 7;

/** What GitHub answers, once each: the check run and its updates, the deployment's statuses. */
function interactions(): Interaction[] {
  const times = (n: number, interaction: Interaction) => Array.from({ length: n }, () => interaction);
  return [
    gh.createCheckRun(CHECK_RUN),
    ...times(4, gh.updateCheckRun(CHECK_RUN)),
    ...times(4, gh.createStatus(DEPLOYMENT)),
    ...times(4, gh.listDeployments(ENVIRONMENT, [])),
  ];
}

/**
 * A deploy names its version; what is live is the version a deploy replaces (its result's
 * previousVersion), asked with a deploy of version 1, which every such scenario numbered.
 */
export async function actionDecision(scenario: Scenario, ledger: string): Promise<Decision> {
  const { request } = scenario;
  if (request.kind !== 'deploy' && request.kind !== 'status')
    throw new Error(`the Action cannot express a ${request.kind}`);
  const dir = project({ 'tranche.yml': trancheYml(scenario), 'deploy.sh': '#!/bin/sh\ntrue\n' });
  try {
    const version = request.kind === 'deploy' ? request.version : '1';
    const tranche = { schemaVersion: 1, version, rollback: false };
    const run = await runAction({
      workspace: dir.dir,
      inputs: { ledger },
      event: {
        name: 'deployment',
        payload: {
          action: 'created',
          deployment: { id: DEPLOYMENT, sha: COMMIT, environment: ENVIRONMENT, payload: { tranche } },
        },
      },
      interactions: interactions(),
    });
    if (run.recording.unmatched.length > 0) {
      throw new Error(`the Action made requests nobody planned for: ${run.recording.unmatched.join(', ')}`);
    }
    if (run.code === 0 && run.outputs.decision === 'succeeded') {
      const result = JSON.parse(run.outputs.result ?? '{}') as {
        version: string;
        previousVersion: string | null;
      };
      return request.kind === 'status'
        ? { kind: 'live', version: result.previousVersion }
        : { kind: 'deploy', version: result.version };
    }
    const told = run.recording.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith(`/deployments/${DEPLOYMENT}/statuses`))
      .map((r) => String((r.body as { description?: string }).description ?? ''));
    const refused = refusalIn([...told, run.stdout].join('\n'));
    if (refused) return refused;
    throw new Error(`the Action exited ${run.code}: ${run.stdout}${run.stderr}`);
  } finally {
    dir.dispose();
  }
}
