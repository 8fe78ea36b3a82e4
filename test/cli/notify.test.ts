import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { project, runCli } from '../support/cli.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const SLACK_SECRET_PATH = '/services/T0/B0/s3cr3t-slack-token';
const HOOK_SECRET_PATH = '/hooks/s3cr3t-hook-path';
const SIGNING_SECRET = 's3cr3t-signing-key';

const CONFIG = `service: shop
version: "1.{n}"
environments:
  prod:
    components:
      - name: app
        targets: [t-1, t-2, t-3]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2 }
    notify:
      slack: { urlEnv: SLACK_DEPLOY_WEBHOOK }
      webhook: { urlEnv: DEPLOY_HOOK_URL, secretEnv: DEPLOY_HOOK_SECRET }
      dashboard: https://grafana.example.com/d/shop?var-version={version}
      timeout: 2s
`;

/** Records what a deploy command sees of the environment. */
const DEPLOY = `#!/bin/sh
mkdir -p state
env > "state/env-$TRANCHE_TARGET"
`;

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup) await step();
  cleanup = [];
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('tranche deploy with notifications', { timeout: timeoutFor({ nodes: 4 }) }, () => {
  it('notifies the signed webhook while a failing Slack hook is retried, and never shows a URL or secret', async () => {
    // Slack answers 500 to everything: the deploy must still succeed, and the failure be logged.
    const receiver = await WebhookReceiver.start((request) =>
      request.path === SLACK_SECRET_PATH ? { status: 500 } : { status: 200 },
    );
    cleanup.push(() => receiver.close());
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': DEPLOY });
    cleanup.push(p.dispose);
    // The run's --actor is who the notices name, before TRANCHE_ACTOR.
    const run = await runCli(['deploy', '--actor', 'rita'], {
      cwd: p.dir,
      env: {
        SLACK_DEPLOY_WEBHOOK: receiver.url(SLACK_SECRET_PATH),
        DEPLOY_HOOK_URL: receiver.url(HOOK_SECRET_PATH),
        DEPLOY_HOOK_SECRET: SIGNING_SECRET,
        TRANCHE_ACTOR: 'octocat',
      },
    });
    expect(run.code).toBe(0);

    const hook = receiver.requests.filter((r) => r.path === HOOK_SECRET_PATH);
    expect(hook.map((r) => JSON.parse(r.body).event)).toEqual(['run_started', 'succeeded']);
    for (const request of hook) {
      const timestamp = String(request.headers['x-tranche-timestamp']);
      const mac = createHmac('sha256', SIGNING_SECRET).update(`${timestamp}.${request.body}`).digest('hex');
      expect(request.headers['x-tranche-signature']).toBe(`sha256=${mac}`);
      expect(JSON.parse(request.body)).toMatchObject({
        service: 'shop',
        version: '1.1',
        who: 'rita',
        links: { dashboard: 'https://grafana.example.com/d/shop?var-version=1.1' },
      });
    }
    expect(receiver.requests.filter((r) => r.path === SLACK_SECRET_PATH).length).toBeGreaterThanOrEqual(2);

    expect(run.stdout).toContain('notification succeeded to webhook (DEPLOY_HOOK_URL): sent (1 attempt)');
    expect(run.stderr).toMatch(
      /tranche: warning: notification run_started to slack \(SLACK_DEPLOY_WEBHOOK\): failed after \d+ attempts: HTTP 500/,
    );
    const shown = [run.stdout, run.stderr, ...filesUnder(p.dir).map((f) => readFileSync(f, 'latin1'))];
    for (const text of shown) {
      expect(text).not.toContain('s3cr3t');
    }
  });

  it('refuses a webhook URL written in tranche.yml, naming the line and column, before anything runs', async () => {
    const literal = CONFIG.replace(
      'slack: { urlEnv: SLACK_DEPLOY_WEBHOOK }',
      `slack: https://hooks.slack.com${SLACK_SECRET_PATH}`,
    );
    const p = project({ 'tranche.yml': literal, 'deploy.sh': DEPLOY });
    cleanup.push(p.dispose);
    const run = await runCli(['deploy'], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'tranche.yml:11:14 environments.prod.notify.slack: a webhook URL is a secret',
    );
    expect(run.stdout + run.stderr).not.toContain('s3cr3t');
  });

  it('tracks hold and verdict mark-bad tell the channels too', async () => {
    const receiver = await WebhookReceiver.start();
    cleanup.push(() => receiver.close());
    const withTracks = `${CONFIG}tracks:\n  - { name: only, environments: [prod] }\n`;
    const p = project({ 'tranche.yml': withTracks, 'deploy.sh': DEPLOY });
    cleanup.push(p.dispose);
    const env = {
      SLACK_DEPLOY_WEBHOOK: receiver.url('/slack'),
      DEPLOY_HOOK_URL: receiver.url(HOOK_SECRET_PATH),
      DEPLOY_HOOK_SECRET: SIGNING_SECRET,
    };
    const hold = await runCli(['tracks', 'hold', 'only', '--reason', 'flaky', '--by', 'carol'], {
      cwd: p.dir,
      env,
    });
    expect(hold.code).toBe(0);
    const bad = await runCli(['verdict', 'mark-bad', '7', '--reason', 'payments time out', '--by', 'alice'], {
      cwd: p.dir,
      env,
    });
    expect(bad.code).toBe(0);
    const hooked = receiver.requests
      .filter((r) => r.path === HOOK_SECRET_PATH)
      .map((r) => JSON.parse(r.body));
    expect(hooked).toEqual([
      expect.objectContaining({ event: 'track_held', track: 'only', who: 'carol', detail: 'flaky' }),
      expect.objectContaining({ event: 'verdict_bad', version: '7', who: 'alice', title: 'shop 7 is bad' }),
    ]);
    expect(receiver.requests.filter((r) => r.path === '/slack')).toHaveLength(2);
  });
});
