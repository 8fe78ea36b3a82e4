import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.ts';
import type { Clock } from '../../src/engine/ports.ts';
import { NOTICE_KINDS } from '../../src/notify/kinds.ts';
import type { Notice } from '../../src/notify/notice.ts';
import { type Channel, type ChannelKind, Notifier } from '../../src/notify/notifier.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { type Answer, type ReceivedRequest, WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'hmac-secret-for-tests';

let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(answer?: (request: ReceivedRequest, index: number) => Answer) {
  const started = await WebhookReceiver.start(answer);
  receivers.push(started);
  return started;
}

function channel(kind: ChannelKind, url: string, options: Partial<Channel> = {}): Channel {
  return {
    environment: 'production',
    kind,
    urlEnv: `${kind.toUpperCase()}_HOOK`,
    url,
    secret: kind === 'webhook' ? SECRET : undefined,
    events: new Set(NOTICE_KINDS),
    timeoutMs: 60_000,
    ...options,
  };
}

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (m: string) => lines.push(`info: ${m}`),
      warning: (m: string) => lines.push(`warning: ${m}`),
    },
  };
}

function notifier(channels: Channel[], clock: Clock = systemClock) {
  const { lines, log } = recordingLog();
  // Retries wait 5 to 10 ms of the clock: no test waits on the wall clock for long.
  return { lines, notifier: new Notifier(channels, { clock, log, backoffMs: 10 }) };
}

const NOTICE: Notice = {
  kind: 'rolled_back',
  service: 'shop',
  environments: ['production'],
  version: '1.42',
  commit: '0123456789abcdef0123456789abcdef01234567',
  who: 'octocat',
  title: 'shop 1.42 rolled back in production',
  detail: 'app batch 2: check latency failed on app-3 (412 ms > 150 ms) <&>',
  runId: 'run-7',
  at: Date.UTC(2026, 11, 6, 16, 0, 0),
  links: [
    { rel: 'check_run', title: 'Check run', url: 'https://github.com/acme/shop/runs/99' },
    { rel: 'deployment', title: 'Deployment', url: 'https://github.com/acme/shop/deployments/production' },
  ],
};

describe('message shapes', () => {
  it('Slack: a Block Kit message with the facts, link buttons and a text fallback', async () => {
    const hook = await receiver();
    const dashboard = 'https://grafana.example.com/d/shop?env={environment}&v={version}';
    const { notifier: n } = notifier([channel('slack', hook.url('/services/T1/B1/slack'), { dashboard })]);
    n.send(NOTICE);
    await n.drain();
    const [message] = hook.bodies();
    expect(hook.requests[0]?.headers['content-type']).toBe('application/json');
    expect(message?.text).toBe(
      [
        '↩️ shop 1.42 rolled back in production',
        NOTICE.detail,
        'Check run: https://github.com/acme/shop/runs/99',
        'Deployment: https://github.com/acme/shop/deployments/production',
        'Dashboard: https://grafana.example.com/d/shop?env=production&v=1.42',
      ].join('\n'),
    );
    expect(message?.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: '↩️ shop 1.42 rolled back in production', emoji: true },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'app batch 2: check latency failed on app-3 (412 ms &gt; 150 ms) &lt;&amp;&gt;',
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Service*\nshop' },
          { type: 'mrkdwn', text: '*Environment*\nproduction' },
          { type: 'mrkdwn', text: '*Version*\n1.42' },
          { type: 'mrkdwn', text: '*Commit*\n0123456789ab' },
          { type: 'mrkdwn', text: '*By*\noctocat' },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Check run' },
            url: 'https://github.com/acme/shop/runs/99',
            action_id: 'tranche_check_run',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Deployment' },
            url: 'https://github.com/acme/shop/deployments/production',
            action_id: 'tranche_deployment',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Dashboard' },
            url: 'https://grafana.example.com/d/shop?env=production&v=1.42',
            action_id: 'tranche_dashboard',
          },
        ],
      },
    ]);
  });

  it('Teams: a message activity carrying one Adaptive Card with facts and OpenUrl actions', async () => {
    const hook = await receiver();
    const { notifier: n } = notifier([channel('teams', hook.url('/workflows/teams'))]);
    n.send(NOTICE);
    await n.drain();
    expect(hook.bodies()).toEqual([
      {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              msteams: { width: 'Full' },
              body: [
                {
                  type: 'TextBlock',
                  text: '↩️ shop 1.42 rolled back in production',
                  size: 'Large',
                  weight: 'Bolder',
                  wrap: true,
                  style: 'heading',
                },
                { type: 'TextBlock', text: NOTICE.detail, wrap: true },
                {
                  type: 'FactSet',
                  facts: [
                    { title: 'Service', value: 'shop' },
                    { title: 'Environment', value: 'production' },
                    { title: 'Version', value: '1.42' },
                    { title: 'Commit', value: '0123456789ab' },
                    { title: 'By', value: 'octocat' },
                  ],
                },
              ],
              actions: [
                { type: 'Action.OpenUrl', title: 'Check run', url: 'https://github.com/acme/shop/runs/99' },
                {
                  type: 'Action.OpenUrl',
                  title: 'Deployment',
                  url: 'https://github.com/acme/shop/deployments/production',
                },
              ],
            },
          },
        ],
      },
    ]);
  });

  it('generic webhook: JSON signed with HMAC-SHA256 over "<timestamp>.<raw body>", verifiable with the secret', async () => {
    const hook = await receiver();
    const clock = new FakeClock({ start: Date.UTC(2026, 11, 6, 16, 30, 0), auto: false });
    const { notifier: n } = notifier([channel('webhook', hook.url('/hooks/deploys'))], clock);
    n.send(NOTICE);
    await n.drain();
    const [request] = hook.requests;
    const timestamp = String(request?.headers['x-tranche-timestamp']);
    expect(timestamp).toBe(String(Date.UTC(2026, 11, 6, 16, 30, 0) / 1000));
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${request?.body}`).digest('hex');
    expect(request?.headers['x-tranche-signature']).toBe(`sha256=${expected}`);
    const forged = createHmac('sha256', 'another secret')
      .update(`${timestamp}.${request?.body}`)
      .digest('hex');
    expect(request?.headers['x-tranche-signature']).not.toBe(`sha256=${forged}`);
    expect(request?.headers['x-tranche-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      schemaVersion: 1,
      event: 'rolled_back',
      service: 'shop',
      environments: ['production'],
      version: '1.42',
      commit: NOTICE.commit,
      who: 'octocat',
      title: NOTICE.title,
      detail: NOTICE.detail,
      track: null,
      runId: 'run-7',
      at: '2026-12-06T16:00:00.000Z',
      links: {
        check_run: 'https://github.com/acme/shop/runs/99',
        deployment: 'https://github.com/acme/shop/deployments/production',
      },
    });
  });
});

describe('routing', () => {
  it('sends each notice once per channel of the environments it concerns, and only the events chosen', async () => {
    const hook = await receiver();
    const url = hook.url('/shared');
    const { notifier: n } = notifier([
      channel('slack', url, { environment: 'production' }),
      channel('slack', url, { environment: 'staging' }),
      channel('teams', hook.url('/only-succeeded'), { events: new Set(['succeeded'] as const) }),
      channel('webhook', hook.url('/elsewhere'), { environment: 'qa' }),
    ]);
    n.send({ ...NOTICE, environments: ['production', 'staging'] });
    await n.drain();
    expect(hook.requests.map((r) => r.path)).toEqual(['/shared']);
  });
});

describe('delivery', () => {
  it('retries after a 500 until it is accepted, with the same delivery id and body', async () => {
    const hook = await receiver((_, i) => (i < 2 ? { status: 500 } : { status: 204 }));
    const { notifier: n, lines } = notifier([channel('webhook', hook.url('/flaky'))]);
    n.send(NOTICE);
    await n.drain();
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['x-tranche-delivery'])).size).toBe(1);
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1);
    expect(lines).toEqual(['info: notification rolled_back to webhook (WEBHOOK_HOOK): sent (3 attempts)']);
  });

  it('waits out a 429’s Retry-After before the next attempt', async () => {
    const hook = await receiver((_, i) =>
      i === 0 ? { status: 429, headers: { 'Retry-After': '5' } } : { status: 200 },
    );
    const clock = new FakeClock({ auto: false });
    const { notifier: n, lines } = notifier([channel('slack', hook.url('/busy'))], clock);
    n.send(NOTICE);
    // The time limit's timer and the Retry-After wait.
    await eventually(async () => (clock.pending === 2 ? true : undefined), 'the wait after the 429');
    await clock.advance(4_999);
    expect(hook.requests).toHaveLength(1);
    await clock.advance(1);
    await n.drain();
    expect(hook.requests).toHaveLength(2);
    expect(lines).toEqual(['info: notification rolled_back to slack (SLACK_HOOK): sent (2 attempts)']);
  });

  it('does not retry a 4xx other than 429', async () => {
    const hook = await receiver(() => ({ status: 404 }));
    const { notifier: n, lines } = notifier([channel('teams', hook.url('/gone'))]);
    n.send(NOTICE);
    await n.drain();
    expect(hook.requests).toHaveLength(1);
    expect(lines).toEqual([
      'warning: notification rolled_back to teams (TEAMS_HOOK): failed after 1 attempt: HTTP 404 (not retried)',
    ]);
  });

  it('retries a refused connection and gives up within its time limit, naming no URL', async () => {
    const hook = await receiver();
    const url = hook.url('/closed/secret-path');
    await hook.close();
    receivers = [];
    const clock = new FakeClock({ auto: false });
    const { notifier: n, lines } = notifier([channel('slack', url, { timeoutMs: 10_000 })], clock);
    n.send(NOTICE);
    await eventually(async () => (clock.pending === 2 ? true : undefined), 'a retry wait');
    await clock.advance(10_000);
    await n.drain();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warning: notification rolled_back to slack \(SLACK_HOOK\): failed after \d+ attempts?: network error ECONNREFUSED/,
    );
    expect(lines[0]).not.toContain('secret-path');
    expect(lines[0]).not.toContain('127.0.0.1');
  });
});
