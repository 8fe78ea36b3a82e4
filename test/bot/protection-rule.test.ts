import { describe, expect, it } from 'vitest';
import { overrideVerdict } from '../../src/release/fleet-verdicts.ts';
import { recordLiveRun, T0, useBot } from './harness/bot-test.ts';
import { protectionRulePayload, TRANCHE_YML } from './harness/payloads.ts';

const V3_SHA = 'c'.repeat(40);

describe('the deployment protection rule', () => {
  const t = useBot();

  /** 3 is known to the bot: it saw 3 deployed to staging. */
  async function threeKnown(yaml = TRANCHE_YML) {
    t.github.token().config(yaml);
    await t.succeeded(9001, 'staging', '3', V3_SHA);
  }

  const mark = (verdict: 'bad' | 'good', at: number) =>
    overrideVerdict(t.ledger, {
      service: 'shop',
      version: '3',
      verdict,
      actor: 'alice',
      reason: 'checked',
      now: at,
    });

  it('rejects a version whose verdict is bad, saying why', async () => {
    await threeKnown();
    await mark('bad', T0);
    t.github.config().review(4242);
    await t.protectionRule({ environment: 'production', runId: 4242, sha: V3_SHA });
    t.github.done();
    expect(t.github.bodies('review')).toEqual([
      {
        environment_name: 'production',
        state: 'rejected',
        comment:
          'Tranche: refusing to deploy shop 3 in production: its verdict is bad (recorded 2026-12-01T09:00:00Z by alice): marked bad by alice: checked',
      },
    ]);
  });

  it('approves a version marked good again', async () => {
    await threeKnown();
    await mark('bad', T0);
    await mark('good', T0 + 1);
    t.github.config().review(4242);
    await t.protectionRule({ environment: 'production', runId: 4242, sha: V3_SHA });
    t.github.done();
    expect(t.github.bodies('review')).toEqual([
      {
        environment_name: 'production',
        state: 'approved',
        comment: 'Tranche: shop 3 has no bad verdict and meets every dependency constraint in production',
      },
    ]);
  });

  it('rejects a version that would break a dependency constraint, with the exact constraint', async () => {
    const yaml = `${TRANCHE_YML}requires:\n  storage: ">=2.14.0"\n`;
    await threeKnown(yaml);
    await recordLiveRun(t.ledger, {
      service: 'storage',
      environment: 'production',
      version: '2.13.9',
      at: T0 - 1000,
    });
    t.github.config(yaml).review(4243);
    await t.protectionRule({ environment: 'production', runId: 4243, sha: V3_SHA });
    t.github.done();
    expect(t.github.bodies('review')[0]).toEqual({
      environment_name: 'production',
      state: 'rejected',
      comment:
        'Tranche: refusing to deploy shop 3 in production: requires storage >=2.14.0, but production runs storage 2.13.9',
    });
  });

  it("judges the version a Tranche deployment's payload names", async () => {
    await threeKnown();
    await mark('bad', T0);
    t.github.config().review(4244);
    await t.protectionRule({
      environment: 'production',
      runId: 4244,
      sha: 'd'.repeat(40),
      payload: { tranche: { schemaVersion: 1, version: '3', rollback: false } },
    });
    t.github.done();
    expect(t.github.bodies('review')[0]).toMatchObject({ state: 'rejected' });
  });

  it('approves a commit that is no known version yet, saying so', async () => {
    t.github.token().config().review(4245);
    await t.protectionRule({ environment: 'production', runId: 4245, sha: 'e'.repeat(40) });
    t.github.done();
    expect(t.github.bodies('review')[0]).toEqual({
      environment_name: 'production',
      state: 'approved',
      comment: 'Tranche: commit eeeeeee is no known version of shop yet, nothing to refuse',
    });
  });

  it('answers a redelivery when GitHub failed the review, and once only after that', async () => {
    await threeKnown();
    // The test bots' Octokit does not retry, so one 502 is the review failing past every retry.
    t.github.config();
    t.github.scope
      .post('/repos/acme/shop/actions/runs/4248/deployment_protection_rule')
      .reply(502, { message: 'Bad Gateway' });
    const payload = protectionRulePayload({ environment: 'production', runId: 4248, sha: V3_SHA });
    const failed = await t.server.deliver('deployment_protection_rule', payload);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(t.server.logs.some((l) => l.includes('run 4248 → production: not answered'))).toBe(true);

    t.github.config().review(4248);
    await t.protectionRule({ environment: 'production', runId: 4248, sha: V3_SHA }, failed.id);
    t.github.config();
    await t.protectionRule({ environment: 'production', runId: 4248, sha: V3_SHA }, failed.id);
    t.github.done();
    expect(t.github.bodies('review')).toEqual([
      {
        environment_name: 'production',
        state: 'approved',
        comment: 'Tranche: shop 3 has no bad verdict and meets every dependency constraint in production',
      },
    ]);
  });

  it('answers once when the signed request comes again under a new delivery id (a replay)', async () => {
    await threeKnown();
    t.github.config().review(4249);
    await t.protectionRule({ environment: 'production', runId: 4249, sha: V3_SHA }, 'delivery-1');
    t.github.config();
    await t.protectionRule({ environment: 'production', runId: 4249, sha: V3_SHA }, 'delivery-2');
    t.github.done();
    expect(t.github.bodies('review')).toHaveLength(1);
    expect(
      t.server.logs.filter((l) => l.endsWith('was handled before; the rule is answered once')),
    ).toHaveLength(1);
  });

  it("answers once, and never another repository's run", async () => {
    await threeKnown();
    t.github.config().review(4246);
    const id = await t.protectionRule({ environment: 'production', runId: 4246, sha: V3_SHA });
    t.github.config();
    await t.protectionRule({ environment: 'production', runId: 4246, sha: V3_SHA }, id);
    await t.protectionRule({
      environment: 'production',
      runId: 4247,
      sha: V3_SHA,
      callbackRepo: 'evil/repo',
    });
    t.github.done();
    expect(t.github.bodies('review')).toHaveLength(1);
    expect(
      t.server.logs.some((l) => l.includes('evil/repo/actions/runs/4247') && l.endsWith('not answered')),
    ).toBe(true);
  });
});
