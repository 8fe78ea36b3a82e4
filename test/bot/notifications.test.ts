import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { T0, useBot } from './harness/bot-test.ts';
import { HTML_URL, TRANCHE_YML } from './harness/payloads.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const V2_SHA = 'b'.repeat(40);
const V3_SHA = 'c'.repeat(40);

/** Notifications from eu and production to one signed webhook, from staging to another path. */
const YAML = `${TRANCHE_YML}    notify:
      webhook: { urlEnv: EU_HOOK, secretEnv: HOOK_SECRET }
verdict: { rollback: all }
tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [eu], bake: 4h }
  - { name: stable, environments: [production] }
`;

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
});

/** The notices the receiver got, once `count` have come (deliveries run in the background). */
async function notices(count: number): Promise<Record<string, unknown>[]> {
  await eventually(async () => (receiver.requests.length >= count ? true : undefined), `${count} notices`);
  return receiver.bodies();
}

describe('the bot’s notifications', () => {
  const t = useBot({ env: () => ({ EU_HOOK: receiver.url('/eu-hook'), HOOK_SECRET: 'k' }) });

  it('a new hold on a track tells the track’s environments, naming who and why', async () => {
    t.github.token().config(YAML).reaction().permission('carol', 'write').comment(12, 5001);
    await t.comment({ body: '/hold canary flaky canaries', login: 'carol' });
    t.github.done();
    expect(await notices(1)).toEqual([
      expect.objectContaining({
        event: 'track_held',
        service: 'shop',
        environments: ['eu'],
        track: 'canary',
        who: 'carol',
        title: 'shop: track canary is on hold',
        detail: 'flaky canaries',
      }),
    ]);
  });

  it('a promotion by the timer tells the environments of the track promoted to', async () => {
    t.github.token().config(YAML);
    await t.succeeded(9001, 'staging', '3');
    t.clock.now = T0 + HOUR;
    t.github.config(YAML).createDeployment(9002);
    await t.sweep();
    t.github.done();
    expect(await notices(1)).toEqual([
      expect.objectContaining({
        event: 'track_promoted',
        environments: ['eu'],
        version: '3',
        track: 'canary',
        who: 'tranche:promotion',
        title: 'shop 3 promoted from yolo to canary',
      }),
    ]);
  });

  it('a bad verdict tells every environment’s channels once, linking the explanation', async () => {
    t.github.token().config(YAML, 2).deploymentStatus(9001);
    await t.succeeded(9001, 'production', '2', V2_SHA);
    t.clock.now = T0 + MINUTE;
    await t.succeeded(9002, 'production', '3', V3_SHA);
    t.clock.now = T0 + 2 * MINUTE;
    t.github.config(YAML).reaction().permission('alice', 'write').comment(12, 5001).commitStatus(V3_SHA);
    t.github.comment(12, 5002).createDeployment(9003);
    await t.comment({ body: '/mark-bad 3 payments time out' });
    t.github.done();
    const received = await notices(1);
    expect(received).toEqual([
      expect.objectContaining({
        event: 'verdict_bad',
        environments: ['staging', 'production', 'eu'],
        version: '3',
        commit: V3_SHA,
        who: 'alice',
        title: 'shop 3 is bad',
        detail: 'marked bad by alice: payments time out',
        links: { explanation: `${HTML_URL}/pull/12#issuecomment-5001` },
      }),
    ]);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/eu-hook']);
  });
});
