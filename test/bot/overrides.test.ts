import { describe, expect, it } from 'vitest';
import { T0, useBot } from './harness/bot-test.ts';
import { HTML_URL, TRANCHE_YML } from './harness/payloads.ts';

const MINUTE = 60_000;
const V2_SHA = 'b'.repeat(40);
const V3_SHA = 'c'.repeat(40);
const YAML = `${TRANCHE_YML}verdict: { rollback: all }\n`;

describe('/mark-bad and /mark-good', () => {
  const t = useBot();

  /** 2, then 3 succeeded in production (the Action's deployments, seen by the bot). */
  async function threeLive() {
    t.github.token().config(YAML, 2).deploymentStatus(9001);
    await t.succeeded(9001, 'production', '2', V2_SHA);
    t.clock.now = T0 + MINUTE;
    await t.succeeded(9002, 'production', '3', V3_SHA);
    t.clock.now = T0 + 2 * MINUTE;
  }

  it('marks a version bad with who and why, explains it here, sets its commit status and rolls it back', async () => {
    await threeLive();
    t.github.config(YAML).reaction().permission('alice', 'write').comment(12, 5001).commitStatus(V3_SHA);
    t.github.comment(12, 5002).createDeployment(9003);
    await t.comment({ body: '/mark-bad 3 payments time out' });
    t.github.done();

    const [override] = (await t.ledger.verdicts('shop', '3')).filter((v) => v.kind === 'override');
    expect(override).toMatchObject({
      verdict: 'bad',
      reasonCode: 'marked_bad',
      actor: 'alice',
      reason: 'payments time out',
      message: 'marked bad by alice: payments time out',
      at: T0 + 2 * MINUTE,
    });
    const [explanation, rollbackReply] = t.github.bodies('comment').map((c) => String(c.body));
    expect(explanation).toMatch(
      /^### 🛑 shop `3` is bad\n\n\*\*Marked bad\*\* by @alice: `payments time out`\n\n/,
    );
    expect(explanation).toContain('- **production** rolls back to `2`: rollback: all');
    expect(t.github.bodies(`status@${V3_SHA}`)).toEqual([
      {
        state: 'failure',
        context: 'tranche/verdict',
        description: 'bad: marked bad by alice: payments time out',
        target_url: `${HTML_URL}/pull/12#issuecomment-5001`,
      },
    ]);
    expect(rollbackReply).toContain('🚀 **Rolling back**: back to shop `2`');
    expect(t.github.bodies('createDeployment')[0]).toMatchObject({
      ref: V2_SHA,
      environment: 'production',
      payload: { tranche: { version: '2', rollback: true, requestedBy: 'tranche:verdict' } },
    });
  });

  it('marks it good again with who and why, which lifts the refusal', async () => {
    await threeLive();
    t.github.config(YAML).reaction().permission('alice', 'write').comment(12, 5001).commitStatus(V3_SHA);
    t.github.comment(12, 5002).createDeployment(9003);
    await t.comment({ body: '/mark-bad 3 payments time out' });

    t.clock.now = T0 + 10 * MINUTE;
    t.github.config(YAML).reaction().permission('bob', 'admin').commitStatus(V3_SHA).comment(12, 5003);
    await t.comment({ body: '/mark-good 3 the payment provider was down', login: 'bob' });
    expect(t.github.bodies(`status@${V3_SHA}`)[1]).toEqual({
      state: 'success',
      context: 'tranche/verdict',
      description: 'good: marked good by bob: the payment provider was down',
    });
    expect(t.github.bodies('comment')[2]?.body).toBe(
      '✅ `3` marked good by @bob: `the payment provider was down`. Deploys and promotions of it are allowed again.',
    );
    const audit = (await t.ledger.verdicts('shop', '3')).filter((v) => v.kind === 'override');
    expect(audit.map((v) => [v.verdict, v.actor, v.reason, v.at])).toEqual([
      ['bad', 'alice', 'payments time out', T0 + 2 * MINUTE],
      ['good', 'bob', 'the payment provider was down', T0 + 10 * MINUTE],
    ]);

    // 3's commit comes from the bot's own records of it: no tag is looked up.
    t.github.config(YAML).reaction().permission('alice', 'write').pull();
    t.github.comment(12, 5004).createDeployment(9004);
    await t.comment({ body: '/deploy staging 3' });
    t.github.done();
    expect(t.github.bodies('createDeployment')[1]).toMatchObject({ ref: V3_SHA, environment: 'staging' });
  });

  it('is refused to someone who may not deploy, recording nothing', async () => {
    await threeLive();
    t.github.config(YAML).reaction().permission('mallory', 'triage').comment();
    await t.comment({ body: '/mark-good 3 trust me', login: 'mallory' });
    t.github.done();
    expect(t.github.bodies('comment')[0]?.body).toContain('🙅 @mallory may not mark-good here');
    expect((await t.ledger.verdicts('shop', '3')).filter((v) => v.kind === 'override')).toEqual([]);
  });

  it('refuses a version nobody deployed', async () => {
    await threeLive();
    t.github.config(YAML).reaction().permission('alice', 'write').getTag('9', null).comment();
    await t.comment({ body: '/mark-bad 9' });
    t.github.done();
    expect(t.github.bodies('comment')[0]?.body).toBe('🙅 shop has no version `9` that the bot knows of');
  });

  it('acts once on a command delivered again, under its delivery id or a new one', async () => {
    await threeLive();
    t.github.config(YAML, 3).reaction().reaction().reaction();
    for (let i = 0; i < 3; i++) t.github.permission('alice', 'write');
    t.github.comment(12, 5001).commitStatus(V3_SHA).comment(12, 5002).createDeployment(9003);
    const command = { body: '/mark-bad 3 payments time out', commentId: 1001 };
    const id = await t.comment(command);
    await t.comment(command, id);
    await t.comment(command, 'a-new-delivery-id');
    t.github.done();
    expect((await t.ledger.verdicts('shop', '3')).filter((v) => v.kind === 'override')).toHaveLength(1);
    expect(t.github.bodies('createDeployment')).toHaveLength(1);
  });
});
