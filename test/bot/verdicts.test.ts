import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RollbackPolicy } from '../../src/engine/verdict.ts';
import { jobSignature, OUTCOMES_SECRET } from './harness/bot-server.ts';
import { T0, useBot } from './harness/bot-test.ts';
import { jobs } from './harness/jobs.ts';
import { HTML_URL, TRANCHE_YML } from './harness/payloads.ts';

const MINUTE = 60_000;
const V2_SHA = 'b'.repeat(40);
const V3_SHA = 'c'.repeat(40);

const verdictYml = (rollback: RollbackPolicy) =>
  `${TRANCHE_YML}verdict: { minSamples: 50, rollback: ${rollback} }\n`;

describe('fleet-wide verdicts', () => {
  const t = useBot();

  /**
   * 2 went out to production and eu, then 3 replaced it in both (the Action's deployments on
   * push, seen by the bot), and jobs reported 2 running well: 2 is 3's baseline.
   */
  async function threeReplacedTwo(yaml: string) {
    t.github.token().config(yaml, 4).deploymentStatus(9001).deploymentStatus(9002);
    await t.succeeded(9001, 'production', '2', V2_SHA);
    await t.succeeded(9002, 'eu', '2', V2_SHA);
    t.clock.now = T0 + MINUTE;
    await t.succeeded(9003, 'production', '3', V3_SHA);
    await t.succeeded(9004, 'eu', '3', V3_SHA);
    t.clock.now = T0 + 2 * MINUTE;
    t.github.installation().config(yaml);
    const posted = await t.postOutcomes({
      repository: 'acme/shop',
      outcomes: [...jobs('2', 'production', 100, 2), ...jobs('2', 'eu', 100, 2)],
    });
    expect(JSON.parse(posted.body)).toMatchObject({ recorded: 200, duplicates: 0 });
    t.clock.now = T0 + 3 * MINUTE;
  }

  /** 3's jobs: three in ten fail in production, none in eu. */
  const badJobs = () => ({
    repository: 'acme/shop',
    outcomes: [...jobs('3', 'production', 100, 30), ...jobs('3', 'eu', 100, 0)],
  });

  describe('reached from jobs posted to /tranche/outcomes', () => {
    it('records the bad verdict, sets the commit status, explains it in an issue and rolls back where 3 failed (rollback: failing)', async () => {
      const yaml = verdictYml('failing');
      await threeReplacedTwo(yaml);
      t.github
        .installation()
        .config(yaml)
        .issue(77)
        .commitStatus(V3_SHA)
        .comment(77, 6001)
        .createDeployment(9005);
      const answer = await t.postOutcomes(badJobs());
      t.github.done();

      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({
        recorded: 200,
        duplicates: 0,
        verdicts: [{ version: '3', verdict: 'bad', reasonCode: 'failure_rate_higher' }],
      });
      expect(t.github.writeNames()).toEqual([
        'status:9001',
        'status:9002',
        'issue',
        `status@${V3_SHA}`,
        'comment',
        'createDeployment',
      ]);
      const [issue] = t.github.bodies('issue');
      expect(issue?.title).toBe('shop 3 is bad');
      const body = String(issue?.body);
      expect(body).toMatch(
        /^### 🛑 shop `3` is bad\n\n\*\*Verdict\*\* from the outcomes of its jobs and deployments: 3 failed 14\.85 % of 202 outcomes, 2 1\.98 % of 202: 7\.50× the failure rate/,
      );
      expect(body).toContain(
        [
          '```text',
          '  environment  3                 2               e-value  ratio ≤',
          '  production   30/101 (29.70 %)  2/101 (1.98 %)  24775    20292.74',
          '  eu           0/101 (0.00 %)    2/101 (1.98 %)  0.56     26.63',
          '```',
        ].join('\n'),
      );
      expect(body).toMatch(/```text\n +log10 e-value per 4 outcomes +\* 3 vs 2\n/);
      expect(body).toContain('1/alpha=100');
      expect(body).toContain(
        '- **production** rolls back to `2`: 30 of 101 failed (29.70 %, 2 1.98 % there; e-value there 24775)',
      );
      expect(body).toContain('- **eu** stays on `3`: it kept succeeding there: 0 of 101 failed (0.00 %)');
      expect(body).toContain('until `/mark-good 3 <reason>`');

      const [status] = t.github.bodies(`status@${V3_SHA}`);
      expect(status).toEqual({
        state: 'failure',
        context: 'tranche/verdict',
        description: expect.stringMatching(
          /^bad: 3 failed 14\.85 % of 202 outcomes, 2 1\.98 % of 202: 7\.50× the failure rate/,
        ),
        target_url: `${HTML_URL}/issues/77`,
      });
      expect(String(status?.description).length).toBeLessThanOrEqual(140);

      expect(t.github.bodies('createDeployment')).toEqual([
        {
          ref: V2_SHA,
          environment: 'production',
          task: 'deploy',
          auto_merge: false,
          payload: {
            tranche: {
              schemaVersion: 1,
              version: '2',
              rollback: true,
              requestedBy: 'tranche:verdict',
              runId: 'bot-release-5',
            },
          },
          description: 'shop 2 (rollback) for a bad verdict, by the Tranche bot from #77',
        },
      ]);
      expect(t.github.bodies('comment')[0]?.body).toContain(
        '🚀 **Rolling back**: back to shop `2` (commit `bbbbbbb`) → **production**, for a bad verdict, by the Tranche bot',
      );
      const verdicts = await t.ledger.verdicts('shop', '3');
      expect(verdicts.at(-1)).toMatchObject({ verdict: 'bad', kind: 'computed', actor: 'tranche bot' });
      expect(verdicts.at(-1)?.evidence).toMatchObject({ baseline: '2', samples: 202, failures: 30 });
    });

    it('rolls back every environment running 3 (rollback: all)', async () => {
      const yaml = verdictYml('all');
      await threeReplacedTwo(yaml);
      t.github.installation().config(yaml).issue(77).commitStatus(V3_SHA);
      t.github.comment(77, 6001).createDeployment(9005).comment(77, 6002).createDeployment(9006);
      await t.postOutcomes(badJobs());
      t.github.done();
      expect(
        t.github.bodies('createDeployment').map((d) => [d.environment, d.payload.tranche.version]),
      ).toEqual([
        ['production', '2'],
        ['eu', '2'],
      ]);
      expect(String(t.github.bodies('issue')[0]?.body)).toContain(
        '- **eu** rolls back to `2`: rollback: all',
      );
    });

    it('rolls nothing back, but still explains and refuses (rollback: none)', async () => {
      const yaml = verdictYml('none');
      await threeReplacedTwo(yaml);
      t.github.installation().config(yaml).issue(77).commitStatus(V3_SHA);
      await t.postOutcomes(badJobs());
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([]);
      const body = String(t.github.bodies('issue')[0]?.body);
      expect(body).toContain('- **production** stays on `3`: rollback: none');

      t.github.config(yaml).reaction().permission('alice', 'write').pull().comment();
      await t.comment({ body: '/deploy staging 3' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toMatch(
        /^🙅 Refusing to deploy shop 3 in staging: its verdict is bad \(recorded 2026-12-01T09:03:00Z by tranche bot\): 3 failed 14\.85 % of 202 outcomes/,
      );
      expect(t.github.writeNames().slice(-2)).toEqual(['reaction', 'comment']);
      expect(t.github.bodies('createDeployment')).toEqual([]);
      expect(await t.ledger.releases({ repo: 'acme/shop', environment: 'staging' })).toEqual([]);
    });

    it('acts once: outcomes that keep coming after the verdict change nothing on GitHub', async () => {
      const yaml = verdictYml('none');
      await threeReplacedTwo(yaml);
      t.github.installation().config(yaml).issue(77).commitStatus(V3_SHA);
      await t.postOutcomes(badJobs());
      t.github.installation().config(yaml);
      const more = await t.postOutcomes({
        repository: 'acme/shop',
        outcomes: jobs('3', 'production', 10, 5).map((o) => ({ ...o, job: `late-${o.job}` })),
      });
      t.github.done();
      expect(JSON.parse(more.body)).toMatchObject({
        recorded: 10,
        verdicts: [{ version: '3', verdict: 'bad' }],
      });
      expect(t.github.bodies('issue')).toHaveLength(1);
    });
  });

  describe('for a version the CLI deployed (runs in the shared ledger, no GitHub deployment)', () => {
    /** A CLI run of `version` in production that started at `at` and succeeded a second later. */
    async function cliRun(version: string, commit: string, at: number) {
      const base = { runId: `cli-${version}`, service: 'shop', environment: 'production', version };
      await t.ledger.record({
        ...base,
        seq: 1,
        at,
        kind: 'run_started',
        status: 'started',
        data: { commit },
      });
      const data = { decision: 'succeeded' };
      await t.ledger.record({ ...base, seq: 2, at: at + 1000, kind: 'run_finished', status: 'ok', data });
    }

    it('finds it live in production and rolls production back to the version the CLI deployed before', async () => {
      const yaml = verdictYml('failing');
      await cliRun('2', V2_SHA, T0);
      await cliRun('3', V3_SHA, T0 + MINUTE);
      t.clock.now = T0 + 2 * MINUTE;
      t.github.token().installation().config(yaml);
      await t.postOutcomes({ repository: 'acme/shop', outcomes: jobs('2', 'production', 100, 2) });
      t.clock.now = T0 + 3 * MINUTE;
      t.github
        .installation()
        .config(yaml)
        .getTag('3', V3_SHA)
        .issue(77)
        .commitStatus(V3_SHA)
        .comment(77, 6001)
        .createDeployment(9005);
      await t.postOutcomes(badJobs());
      t.github.done();
      expect(String(t.github.bodies('issue')[0]?.body)).toContain('- **production** rolls back to `2`');
      expect(t.github.bodies('createDeployment').map((d) => [d.environment, d.ref])).toEqual([
        ['production', V2_SHA],
      ]);
    });
  });

  describe('explained where it was deployed from', () => {
    it('comments on the pull request whose /deploy released the version', async () => {
      const yaml = verdictYml('none');
      t.github.token().config(yaml, 3).deploymentStatus(9001);
      await t.succeeded(9001, 'production', '2', V2_SHA);
      t.clock.now = T0 + MINUTE;
      t.github.reaction().permission('alice', 'write').pull().tags(['1', '2']).createTag().comment(12, 5001);
      t.github.createDeployment(9002).editComment(5001);
      await t.comment({ body: '/deploy production' });
      await t.succeeded(9002, 'production', '3');
      t.clock.now = T0 + 2 * MINUTE;
      t.github.installation().config(yaml);
      await t.postOutcomes({ repository: 'acme/shop', outcomes: jobs('2', 'production', 100, 2) });
      t.clock.now = T0 + 3 * MINUTE;
      t.github
        .installation()
        .config(yaml)
        .comment(12, 5002)
        .commitStatus('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
      await t.postOutcomes({ repository: 'acme/shop', outcomes: jobs('3', 'production', 100, 30) });
      t.github.done();
      expect(t.github.bodies('issue')).toEqual([]);
      expect(String(t.github.bodies('comment')[1]?.body)).toMatch(/^### 🛑 shop `3` is bad/);
      expect(t.github.bodies('status@a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')[0]?.target_url).toBe(
        `${HTML_URL}/pull/12#issuecomment-5002`,
      );
    });
  });

  describe('the outcomes endpoint', () => {
    const one = {
      repository: 'acme/shop',
      outcomes: [{ version: '3', environment: 'production', outcome: 'failure', job: 'j-1' }],
    };

    it('refuses a request without a signature, and records nothing', async () => {
      const answer = await t.postOutcomes(one, { signature: null });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({
        error: "the x-tranche-signature-256 header is not this body's signature",
      });
      expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([]);
    });

    it('refuses a body changed after it was signed, and records nothing', async () => {
      const signed = JSON.stringify(one);
      const tampered = signed.replace('"failure"', '"success"');
      const answer = await t.postOutcomes(undefined, { raw: tampered, signature: jobSignature(signed) });
      expect(answer.status).toBe(401);
      expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([]);
    });

    it('refuses a body signed with another secret', async () => {
      const text = JSON.stringify(one);
      const answer = await t.postOutcomes(undefined, { raw: text, signature: jobSignature(text, 'guessed') });
      expect(answer.status).toBe(401);
    });

    describe("signed with a repository's own key", () => {
      /** The key docs/bot.md derives with openssl: hex HMAC-SHA256 of `owner/repo` under the secret. */
      const keyOf = (repository: string) =>
        createHmac('sha256', OUTCOMES_SECRET).update(repository).digest('hex');

      it('records outcomes for that repository', async () => {
        t.github.token().installation().config();
        const text = JSON.stringify(one);
        const answer = await t.postOutcomes(undefined, {
          raw: text,
          signature: jobSignature(text, keyOf('acme/shop')),
        });
        t.github.done();
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body)).toMatchObject({ recorded: 1 });
      });

      it("refuses a body naming a repository other than the key's, and records nothing", async () => {
        const text = JSON.stringify(one);
        const answer = await t.postOutcomes(undefined, {
          raw: text,
          signature: jobSignature(text, keyOf('acme/cart')),
        });
        expect(answer.status).toBe(401);
        expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([]);
      });
    });

    it("refuses a body that names a service: the outcomes are of the repository's own", async () => {
      const answer = await t.postOutcomes({ ...one, service: 'payments' });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).problems).toEqual(['body: Unrecognized key: "service"']);
      expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([]);
    });

    it('counts a job reported twice once', async () => {
      t.github.token().installation().config().installation().config();
      const first = await t.postOutcomes(one);
      const again = await t.postOutcomes(one);
      t.github.done();
      expect(JSON.parse(first.body)).toMatchObject({ recorded: 1, duplicates: 0 });
      expect(JSON.parse(again.body)).toEqual({ recorded: 0, duplicates: 1, verdicts: [] });
      expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([
        {
          service: 'shop',
          version: '3',
          environment: 'production',
          outcome: 'failure',
          source: 'http',
          sourceId: 'j-1',
          at: T0,
        },
      ]);
    });

    it('says which fields are wrong in a body that is not a list of outcomes', async () => {
      const answer = await t.postOutcomes({
        repository: 'acme/shop',
        outcomes: [{ version: '3', outcome: 'maybe', job: 'j' }],
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        error: 'the body is not a list of outcomes',
        problems: [
          'outcomes.0.environment: Invalid input: expected string, received undefined',
          'outcomes.0.outcome: expected one of success, failure',
        ],
      });
    });

    it.each(['deployment_status', 'check_run', 'workflow_run'])(
      "refuses the bot's own source %s, asking nobody and recording nothing",
      async (source) => {
        const answer = await t.postOutcomes({
          ...one,
          source,
          outcomes: [{ ...one.outcomes[0], outcome: 'success', job: '9003' }],
        });
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body)).toEqual({
          error: 'the body is not a list of outcomes',
          problems: [
            "source: deployment_status, check_run, workflow_run are the bot's own sources, recorded from GitHub's webhooks; name the job's own, such as http or spark",
          ],
        });
        t.github.done();
        expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([]);
      },
    );

    it('refuses an environment tranche.yml does not define', async () => {
      t.github.token().installation().config();
      const answer = await t.postOutcomes({
        ...one,
        outcomes: [{ ...one.outcomes[0], environment: 'moon' }],
      });
      t.github.done();
      expect(answer.status).toBe(422);
      expect(JSON.parse(answer.body).error).toBe(
        '.github/tranche.yml defines no environment moon (it has staging, production, eu)',
      );
    });

    it('refuses a repository the app is not installed on', async () => {
      t.github.notInstalled();
      const answer = await t.postOutcomes(one);
      t.github.done();
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body).error).toBe('the app is not installed on acme/shop');
    });

    it('answers only POST', async () => {
      const answer = await fetch(`${t.server.url}/tranche/outcomes`);
      expect(answer.status).toBe(405);
    });
  });
});
