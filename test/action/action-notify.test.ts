import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { fleetConfig, useWorkspaces } from './fleet.ts';
import { expectAllScopesDone } from './harness/expect.ts';
import { type ActionRun, runAction } from './harness/runner.ts';
import { firstRollout } from './harness/scenario.ts';

const workspace = useWorkspaces();
const TEAMS_PATH = '/workflows/s3cr3t-teams-path';

describe('the bundled Action with notify: configured', () => {
  let receiver: WebhookReceiver;
  let run: ActionRun;
  let f: ReturnType<typeof workspace>;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const config = fleetConfig().replace(
      '    components:',
      '    notify:\n      teams: { urlEnv: TEAMS_DEPLOY_WEBHOOK }\n      events: [run_started, succeeded]\n    components:',
    );
    f = workspace({
      'tranche.yml': config,
      'deploy.sh': 'mkdir -p state; env > "state/env-$TRANCHE_TARGET"\n',
    });
    run = await runAction({
      workspace: f.dir,
      interactions: firstRollout(),
      env: { TEAMS_DEPLOY_WEBHOOK: receiver.url(TEAMS_PATH), GITHUB_ACTOR: 'octocat' },
    });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('posts an Adaptive Card per chosen event, linking the check run, the deployments and the run', () => {
    expect(run.code).toBe(0);
    expectAllScopesDone(run);
    const cards = receiver
      .bodies()
      .map((b) => (b.attachments as { content: Record<string, unknown> }[])[0]?.content ?? {});
    expect(cards.map((c) => (c.body as { text?: string }[])[0]?.text)).toEqual([
      '🚀 deploying shop 1.3 in prod',
      '✅ shop 1.3 is live in prod',
    ]);
    for (const card of cards) {
      expect(card.actions).toEqual([
        { type: 'Action.OpenUrl', title: 'Check run', url: 'https://github.com/acme/shop/runs/7' },
        { type: 'Action.OpenUrl', title: 'Deployment', url: 'https://github.com/acme/shop/deployments/prod' },
        { type: 'Action.OpenUrl', title: 'Log', url: 'https://github.com/acme/shop/actions/runs/4242' },
      ]);
      expect(JSON.stringify(card.body)).toContain('{"title":"By","value":"octocat"}');
    }
  });

  it('shows the URL nowhere: not in the log, not to deploy commands', () => {
    expect(run.stdout).toContain('notification succeeded to teams (TEAMS_DEPLOY_WEBHOOK): sent (1 attempt)');
    for (const text of [run.stdout, run.stderr, run.summary, readFileSync(f.path('state/env-t-1'), 'utf8')]) {
      expect(text).not.toContain('s3cr3t');
    }
  });
});
