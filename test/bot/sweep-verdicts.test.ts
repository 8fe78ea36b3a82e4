import { describe, expect, it } from 'vitest';
import { T0, useBot } from './harness/bot-test.ts';
import { jobs, reported } from './harness/jobs.ts';
import { HTML_URL, TRANCHE_YML } from './harness/payloads.ts';

const MINUTE = 60_000;
const V2_SHA = 'b'.repeat(40);
const V3_SHA = 'c'.repeat(40);
const YML = `${TRANCHE_YML}verdict: { minSamples: 50, rollback: failing }\n`;

describe('verdicts on the timer, from outcomes reported to the ledger', () => {
  const t = useBot();

  /** 2 and then 3 deployed to production and eu (seen by the bot); 2's jobs ran well, 3's fail in production. */
  async function threeFailsInProduction() {
    t.github.token().config(YML, 4).deploymentStatus(9001).deploymentStatus(9002);
    await t.succeeded(9001, 'production', '2', V2_SHA);
    await t.succeeded(9002, 'eu', '2', V2_SHA);
    t.clock.now = T0 + MINUTE;
    await t.succeeded(9003, 'production', '3', V3_SHA);
    await t.succeeded(9004, 'eu', '3', V3_SHA);
    const good = [...jobs('2', 'production', 100, 2), ...jobs('2', 'eu', 100, 2)];
    const bad = [...jobs('3', 'production', 100, 30), ...jobs('3', 'eu', 100, 0)];
    await t.ledger.recordOutcomes(reported(good, T0 + 2 * MINUTE));
    await t.ledger.recordOutcomes(reported(bad, T0 + 3 * MINUTE));
    t.clock.now = T0 + 4 * MINUTE;
  }

  const sweepFailures = () => t.server.logs.filter((l) => l.startsWith('could not sweep'));

  it('explains the bad verdict, sets the commit status and rolls back where the version failed', async () => {
    await threeFailsInProduction();
    t.github.config(YML).issue(77).commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.github.done();

    expect(sweepFailures()).toEqual([]);
    expect(t.github.writeNames().slice(2)).toEqual([
      'issue',
      `status@${V3_SHA}`,
      'comment',
      'createDeployment',
    ]);
    const [issue] = t.github.bodies('issue');
    expect(issue?.title).toBe('shop 3 is bad');
    expect(String(issue?.body)).toMatch(
      /^### 🛑 shop `3` is bad\n\n\*\*Verdict\*\* from the outcomes of its jobs and deployments: 3 failed 14\.85 % of 202 outcomes/,
    );
    expect(t.github.bodies(`status@${V3_SHA}`)[0]).toMatchObject({
      state: 'failure',
      context: 'tranche/verdict',
      target_url: `${HTML_URL}/issues/77`,
    });
    expect(
      t.github.bodies('createDeployment').map((d) => [d.environment, d.ref, d.payload.tranche.version]),
    ).toEqual([['production', V2_SHA, '2']]);
    expect((await t.ledger.verdicts('shop', '3')).at(-1)).toMatchObject({ verdict: 'bad', kind: 'computed' });
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('does nothing on the next sweep, and acts no more on outcomes that keep coming', async () => {
    await threeFailsInProduction();
    t.github.config(YML).issue(77).commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.clock.now += MINUTE;
    await t.sweep();
    await t.ledger.recordOutcomes(
      reported(jobs('3', 'production', 10, 5), t.clock.now).map((o) => ({
        ...o,
        sourceId: `late-${o.sourceId}`,
      })),
    );
    t.github.config(YML);
    await t.sweep();
    t.github.done();

    expect(sweepFailures()).toEqual([]);
    expect(t.github.bodies('issue')).toHaveLength(1);
    expect(t.github.bodies('createDeployment')).toHaveLength(1);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('judges the version again on the next sweep when GitHub failed this one', async () => {
    await threeFailsInProduction();
    t.github.scope
      .get('/repos/acme/shop/contents/.github%2Ftranche.yml')
      .reply(502, { message: 'Bad Gateway' });
    await t.sweep();
    t.github.done();
    expect(sweepFailures()).toHaveLength(1);
    expect(t.github.bodies('issue')).toEqual([]);
    expect((await t.ledger.unjudgedVersions()).map((u) => u.version)).toEqual(['2', '3']);

    t.github.config(YML).issue(77).commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.github.done();
    expect(t.github.bodies('issue')).toHaveLength(1);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('acts on the next sweep when GitHub refused the explanation', async () => {
    await threeFailsInProduction();
    t.github.config(YML);
    t.github.scope
      .post('/repos/acme/shop/issues')
      .reply(403, { message: 'Resource not accessible by integration' });
    await t.sweep();
    t.github.done();
    expect(sweepFailures()).toHaveLength(1);
    expect(t.github.writeNames().slice(2)).toEqual([]);

    t.github.config(YML).issue(77).commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.github.done();
    expect(t.github.writeNames().slice(2)).toEqual([
      'issue',
      `status@${V3_SHA}`,
      'comment',
      'createDeployment',
    ]);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('opens the issue once when GitHub opened it but its answer was lost', async () => {
    await threeFailsInProduction();
    t.github.config(YML);
    let opened: { title: string; body: string } | undefined;
    t.github.scope
      .post('/repos/acme/shop/issues', (body: { title: string; body: string }) => {
        opened = body;
        return true;
      })
      .reply(502, { message: 'Bad Gateway' });
    t.github.scope
      .get('/repos/acme/shop/issues')
      .query(true)
      .reply(200, () => [{ number: 77, html_url: `${HTML_URL}/issues/77`, ...opened }]);
    t.github.commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.github.done();

    expect(sweepFailures()).toEqual([]);
    expect(t.github.bodies(`status@${V3_SHA}`)[0]).toMatchObject({ target_url: `${HTML_URL}/issues/77` });
    expect(t.github.bodies('createDeployment')).toHaveLength(1);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('judges in the repository that owns the service, not where a release of it was recorded last', async () => {
    await threeFailsInProduction();
    // A release naming shop in another repository (as a ledger from before services were bound holds).
    await t.ledger.admitRelease(
      {
        delivery: { id: 'elsewhere', repo: 'acme/shop-next', event: 'issue_comment', at: t.clock.now },
        repo: 'acme/shop-next',
        installationId: 99,
        environment: 'production',
        service: 'shop',
        kind: 'deploy',
        version: '3',
        commit: V3_SHA,
        requestedBy: 'mallory',
        pullRequest: null,
      },
      { concurrentReleases: 1, leaseMs: MINUTE },
      t.clock.now,
    );
    t.github.config(YML).issue(77).commitStatus(V3_SHA).comment(77, 6001).createDeployment(9005);
    await t.sweep();
    t.github.done();

    expect(sweepFailures()).toEqual([]);
    expect(t.github.bodies('issue')[0]?.title).toBe('shop 3 is bad');
    expect(t.github.bodies('createDeployment').map((d) => d.environment)).toEqual(['production']);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
  });

  it('asks GitHub for the owner’s installation when the bot has no release there, and settles where the app is not installed', async () => {
    // `tranche deploy` in acme/shop's CI bound shop; the bot never released it.
    await t.ledger.bindService('shop', ['acme/shop'], T0);
    await t.ledger.recordOutcomes(reported(jobs('7', 'production', 5, 1), T0));
    t.github.installation().token().config(YML);
    await t.sweep();
    t.github.done();
    expect(sweepFailures()).toEqual([]);
    expect(await t.ledger.unjudgedVersions()).toEqual([]);

    await t.ledger.bindService('spark', ['acme/spark'], T0);
    await t.ledger.recordOutcomes(reported(jobs('8', 'production', 5, 1), T0, 'spark'));
    t.github.scope.get('/repos/acme/spark/installation').reply(404, { message: 'Not Found' });
    await t.sweep();
    t.github.done();
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
    expect(t.server.logs).toContain(
      'outcomes of spark 8: no repository the app is installed on owns spark, so there is nowhere to act on a verdict; not judged',
    );
  });

  it('settles outcomes of a service no repository owns, saying so, without asking GitHub', async () => {
    await t.ledger.recordOutcomes(reported(jobs('7', 'production', 5, 1), T0, 'spark'));
    await t.sweep();
    expect(await t.ledger.unjudgedVersions()).toEqual([]);
    expect(t.server.logs).toContain(
      'outcomes of spark 7: no repository the app is installed on owns spark, so there is nowhere to act on a verdict; not judged',
    );
    t.github.done();
  });
});
