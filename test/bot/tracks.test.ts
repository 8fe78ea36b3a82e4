import { describe, expect, it } from 'vitest';
import { type BotTest, recordLiveRun, T0, useBot } from './harness/bot-test.ts';
import { HEAD_SHA, TRANCHE_YML } from './harness/payloads.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Three release tracks over the test repository's environments: staging → eu → production. */
const TRACKS_YML = `${TRANCHE_YML}tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [eu], bake: 4h }
  - { name: stable, environments: [production] }
`;

/** The deployment the bot creates to promote a version to a track's environment, as its request body. */
function promotionDeployment(deployment: {
  environment: string;
  version: string;
  track: string;
  releaseId: number;
  by?: string;
  targets?: string[];
}) {
  const { environment, version, track, releaseId, by = 'tranche:promotion', targets } = deployment;
  return {
    ref: HEAD_SHA,
    environment,
    task: 'deploy',
    auto_merge: false,
    payload: {
      tranche: {
        schemaVersion: 1,
        version,
        rollback: false,
        ...(targets ? { targets } : {}),
        track,
        requestedBy: by,
        runId: `bot-release-${releaseId}`,
      },
    },
    description: expect.stringMatching(new RegExp(`^shop ${version} for `)),
  };
}

/** 3 lands on yolo (staging) at the test's clock: the Action's own deployment on push, seen by the bot. */
async function threeOnYolo(t: BotTest, yaml = TRACKS_YML): Promise<void> {
  t.github.token().config(yaml);
  await t.succeeded(9001, 'staging', '3');
}

describe('release tracks', () => {
  describe('automatic promotion across yolo → canary → stable', () => {
    const t = useBot({ ledgerFile: true });

    it('promotes after each bake through the release queue, and a restarted bot picks up the timer mid-bake', async () => {
      // 3 lands on yolo (staging): the Action's own deployment on push, seen by the bot.
      await threeOnYolo(t);
      expect(await t.ledger.promotions({ service: 'shop' })).toEqual([
        expect.objectContaining({
          version: '3',
          fromTrack: 'yolo',
          toTrack: 'canary',
          dueAt: T0 + HOUR,
          state: 'scheduled',
          repo: 'acme/shop',
          installationId: 42,
        }),
      ]);

      // Half-way through the bake the sweep reads tranche.yml (to judge 3's new outcome), finds no
      // promotion due and deploys nothing.
      t.clock.now = T0 + 30 * MINUTE;
      t.github.config(TRACKS_YML);
      await t.sweep();
      t.github.done();

      // The bot restarts: a new process with nothing but the ledger.
      await t.restart();
      t.clock.now = T0 + HOUR - 1;
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([]);

      t.clock.now = T0 + HOUR;
      t.github.token().config(TRACKS_YML).createDeployment(9002);
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'eu', version: '3', track: 'canary', releaseId: 2 }),
      ]);
      const [toCanary] = await t.ledger.promotions({ service: 'shop', states: ['done'] });
      expect(toCanary).toMatchObject({ toTrack: 'canary', note: 'release 2 → eu' });

      // canary (eu) reports success: its own bake of 4 h starts.
      t.clock.now = T0 + HOUR + 10 * MINUTE;
      t.github.config(TRACKS_YML);
      await t.succeeded(9002, 'eu', '3');
      t.clock.now = T0 + 5 * HOUR + 10 * MINUTE - 1;
      t.github.config(TRACKS_YML);
      await t.sweep();
      t.github.config(TRACKS_YML).createDeployment(9003);
      t.clock.now = T0 + 5 * HOUR + 10 * MINUTE;
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'eu', version: '3', track: 'canary', releaseId: 2 }),
        promotionDeployment({ environment: 'production', version: '3', track: 'stable', releaseId: 3 }),
      ]);

      // Once stable runs it, nothing is left to promote, however long the timer runs.
      t.github.config(TRACKS_YML);
      await t.succeeded(9003, 'production', '3');
      t.clock.now += 24 * HOUR;
      t.github.config(TRACKS_YML);
      await t.sweep();
      t.github.done();
      expect((await t.ledger.promotions({ service: 'shop' })).map((p) => [p.toTrack, p.state])).toEqual([
        ['canary', 'done'],
        ['stable', 'done'],
      ]);
      expect(t.github.bodies('createDeployment')).toHaveLength(2);
    });

    it('restarts the bake when a deploy to the track fails meanwhile', async () => {
      t.github.token().config(TRACKS_YML, 2);
      await t.succeeded(9001, 'staging', '3');
      t.clock.now = T0 + 40 * MINUTE;
      await t.status({ deploymentId: 9002, state: 'failure', environment: 'staging', version: '4' });
      t.github.done();
      const [scheduled] = await t.ledger.promotions({ service: 'shop' });
      expect(scheduled).toMatchObject({ version: '3', dueAt: T0 + 40 * MINUTE + HOUR, state: 'scheduled' });
    });
  });

  describe('a track that is a ring of targets (the docs example: canary is production ring: canary)', () => {
    const t = useBot();
    const RING_YML = `${TRANCHE_YML.replace(
      'targets: [p-1, p-2, p-3, p-4]',
      'targets: [{ name: p-1, labels: { ring: canary } }, { name: p-2, labels: { ring: canary } }, p-3, p-4]',
    )}tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [production], targets: { ring: canary }, bake: 4h }
  - { name: stable, environments: [production] }
`;

    it("promotes to the ring's targets only, then, once the ring has baked, to the whole environment", async () => {
      // production runs 2 everywhere; 3 lands on yolo (staging).
      t.github.token().config(RING_YML);
      await t.succeeded(9000, 'production', '2');
      t.github.config(RING_YML);
      await t.succeeded(9001, 'staging', '3');

      t.clock.now = T0 + HOUR;
      t.github.config(RING_YML).createDeployment(9002);
      await t.sweep();
      t.github.done();
      const toRing = { environment: 'production', version: '3', track: 'canary', releaseId: 3 };
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ ...toRing, targets: ['p-1', 'p-2'] }),
      ]);

      // The ring runs 3; the rest of production still runs 2, so stable is not on 3 yet.
      t.clock.now = T0 + HOUR + 10 * MINUTE;
      t.github.config(RING_YML);
      await t.succeeded(9002, 'production', '3');
      t.github.done();
      expect(await t.ledger.promotions({ service: 'shop', states: ['scheduled'] })).toEqual([
        expect.objectContaining({ toTrack: 'stable', dueAt: T0 + 5 * HOUR + 10 * MINUTE }),
      ]);

      t.clock.now = T0 + 5 * HOUR + 10 * MINUTE - 1;
      t.github.config(RING_YML);
      await t.sweep();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);

      t.clock.now = T0 + 5 * HOUR + 10 * MINUTE;
      t.github.config(RING_YML).createDeployment(9003);
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')[1]).toEqual(
        promotionDeployment({ environment: 'production', version: '3', track: 'stable', releaseId: 4 }),
      );
    });
    it('promotes to the ring on /promote, saying which targets', async () => {
      t.github.token().config(RING_YML);
      await t.succeeded(9000, 'production', '2');
      t.github.config(RING_YML);
      await t.succeeded(9001, 'staging', '3');
      t.clock.now = T0 + 10 * MINUTE;
      t.github.config(RING_YML).reaction().permission('alice', 'maintain').comment(12, 5001);
      t.github.createDeployment(9002).comment(12, 5002);
      await t.comment({ body: '/promote 3' });
      t.github.done();
      const toRing = { environment: 'production', version: '3', track: 'canary', releaseId: 3, by: 'alice' };
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ ...toRing, targets: ['p-1', 'p-2'] }),
      ]);
      const replies = t.github.bodies('comment').map((c) => String(c.body));
      expect(replies[0]).toContain('- **app**: 2 targets');
      expect(replies[1]).toBe(
        '⏩ Promoting `3` from **yolo** to **canary** (**production** [p-1, p-2]), for @alice; each deployment reports here.',
      );
    });
  });

  describe('a canary track that chooses its environments by categories', () => {
    const t = useBot();
    /** production and eu both run on aws: coverage all over cloud needs only the first of them. */
    const CHOSEN_YML = `${TRANCHE_YML.replace(
      '  production:\n',
      '  production:\n    labels: { cloud: aws }\n',
    ).replace('  eu:\n', '  eu:\n    labels: { cloud: aws }\n')}tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, categories: [cloud], bake: 4h }
  - { name: stable, environments: [production, eu] }
`;

    it('is promoted to the environments its categories chose, and no other', async () => {
      await threeOnYolo(t, CHOSEN_YML);
      t.clock.now = T0 + HOUR;
      t.github.config(CHOSEN_YML).createDeployment(9002);
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'production', version: '3', track: 'canary', releaseId: 2 }),
      ]);
    });
  });

  describe('a hold', () => {
    const t = useBot();

    it('held again by its holder stays on hold from when it was set, with the new reason', async () => {
      t.github.token().config(TRACKS_YML).reaction().permission('carol', 'write').comment(12, 5001);
      await t.comment({ body: '/hold canary flaky canaries', login: 'carol' });
      t.clock.now = T0 + HOUR;
      t.github.config(TRACKS_YML).reaction().permission('carol', 'write').comment(12, 5002);
      await t.comment({ body: '/hold canary still flaky', login: 'carol' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toBe(
        '⏸️ Track **canary** was on hold already; it stays on hold (by @carol: `still flaky`, since 2026-12-01 09:00 UTC) until `/unhold canary`.',
      );
    });

    it('cancels the promotion into the held track, and lifting it lets the promotion go at once', async () => {
      await threeOnYolo(t);

      t.github.config(TRACKS_YML).reaction().permission('carol', 'write').comment(12, 5001);
      await t.comment({ body: '/hold canary flaky canaries', login: 'carol' });
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '⏸️ Track **canary** is on hold (by @carol: `flaky canaries`, since 2026-12-01 09:00 UTC): nothing is promoted into or out of it until `/unhold canary`.',
      );
      const [cancelled] = await t.ledger.promotions({ service: 'shop' });
      expect(cancelled).toMatchObject({ state: 'cancelled', note: 'canary is on hold' });

      t.clock.now = T0 + 2 * HOUR;
      t.github.config(TRACKS_YML);
      await t.sweep();
      expect(t.github.bodies('createDeployment')).toEqual([]);

      t.github
        .config(TRACKS_YML)
        .reaction()
        .permission('carol', 'write')
        .comment(12, 5002)
        .createDeployment(9002);
      await t.comment({ body: '/unhold canary', login: 'carol' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toBe(
        '▶️ Track **canary** is no longer on hold (it was held by @carol: `flaky canaries`, since 2026-12-01 09:00 UTC); promotions into and out of it go ahead.',
      );
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'eu', version: '3', track: 'canary', releaseId: 2 }),
      ]);
    });

    it('is refused to someone who may not deploy, and nothing is held', async () => {
      t.github.token().config(TRACKS_YML).reaction().permission('mallory', 'read').comment();
      await t.comment({ body: '/hold canary', login: 'mallory' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain(
        '🙅 @mallory may not hold here: that needs one of the roles write, maintain, admin',
      );
      expect(await t.ledger.locks(t.clock.now)).toEqual([]);
    });

    it('names the tracks when the one named does not exist', async () => {
      t.github.token().config(TRACKS_YML).reaction().comment();
      await t.comment({ body: '/hold canery' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '🙅 There is no track `canery` in .github/tranche.yml; did you mean `canary`? the tracks are `yolo`, `canary`, `stable`',
      );
    });
  });

  describe('/promote', () => {
    const t = useBot();
    const MANUAL_YML = TRACKS_YML.replace(
      '{ name: canary, environments: [eu], bake: 4h }',
      '{ name: canary, environments: [eu], bake: 4h, promote: manual }',
    );

    it('promotes a version before its bake is over, once: the timer does not promote it again', async () => {
      await threeOnYolo(t);
      t.clock.now = T0 + 10 * MINUTE;
      t.github.config(TRACKS_YML).reaction().permission('alice', 'maintain').comment(12, 5001);
      t.github.createDeployment(9002).comment(12, 5002);
      await t.comment({ body: '/promote 3' });
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'eu', version: '3', track: 'canary', releaseId: 2, by: 'alice' }),
      ]);
      const replies = t.github.bodies('comment').map((c) => String(c.body));
      expect(replies[0]).toContain('🚀 **Deploying**: shop `3` (commit `a1b2c3d`) → **eu**, for @alice');
      expect(replies[1]).toBe(
        '⏩ Promoting `3` from **yolo** to **canary** (**eu**), for @alice; each deployment reports here.',
      );
      expect((await t.ledger.promotions({ service: 'shop' }))[0]).toMatchObject({
        toTrack: 'canary',
        state: 'done',
        dueAt: T0 + 10 * MINUTE,
      });
      t.clock.now = T0 + 2 * HOUR;
      t.github.config(TRACKS_YML);
      await t.sweep();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
    });

    it('is what a manual track waits for, as /status says', async () => {
      await threeOnYolo(t, MANUAL_YML);
      t.clock.now = T0 + 2 * HOUR;
      t.github.config(MANUAL_YML);
      await t.sweep();
      t.github.config(MANUAL_YML).reaction().comment();
      await t.comment({ body: '/status' });
      t.github.done();
      const body = String(t.github.bodies('comment')[0]?.body);
      expect(body).toContain(
        [
          '### 🛤️ Release tracks',
          '',
          '| track | environments | version | healthy since | baked | promote |',
          '|---|---|---|---|---|---|',
          '| **yolo** | staging | `3` | 2026-12-01 09:00 UTC | yes | by deploy |',
          '| **canary** | eu | — | — | — | manual |',
          '| **stable** | production | — | — | — | auto |',
          '',
          '⏭️ Next promotion: none scheduled.',
          '',
          '⏳ **yolo** → **canary** waits: canary is promoted to by hand: `/promote 3 to canary`.',
        ].join('\n'),
      );
      expect(t.github.bodies('createDeployment')).toEqual([]);
    });

    it('is refused to someone who may not deploy, and nothing is promoted', async () => {
      await threeOnYolo(t);
      t.github.config(TRACKS_YML).reaction().permission('mallory', 'read').comment();
      await t.comment({ body: '/promote 3', login: 'mallory' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain('🙅 @mallory may not promote here');
      expect(t.github.bodies('createDeployment')).toEqual([]);
      expect((await t.ledger.promotions({ service: 'shop' }))[0]?.state).toBe('scheduled');
    });

    it('refuses a version that is not on the track before', async () => {
      await threeOnYolo(t);
      t.github.config(TRACKS_YML).reaction().permission('alice', 'write').comment();
      await t.comment({ body: '/promote 3 to stable' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '🙅 3 does not run on every environment of canary, the track before stable',
      );
      expect(await t.ledger.promotions({ service: 'shop', states: ['done'] })).toEqual([]);
    });
  });

  describe('through the release queue', () => {
    const t = useBot();

    it('waits while the environment promoted to is locked, and starts when it is unlocked', async () => {
      await threeOnYolo(t);
      t.github.config(TRACKS_YML).reaction().permission('carol', 'write').comment(12, 5001);
      await t.comment({ body: '/lock eu release freeze', login: 'carol' });

      t.clock.now = T0 + HOUR;
      t.github.config(TRACKS_YML);
      await t.sweep();
      expect(t.github.bodies('createDeployment')).toEqual([]);
      const [queued] = await t.ledger.releases({ repo: 'acme/shop', states: ['queued'] });
      expect(queued).toMatchObject({ environment: 'eu', version: '3', requestedBy: 'tranche:promotion' });
      expect((await t.ledger.promotions({ service: 'shop' }))[0]?.state).toBe('done');

      t.github
        .config(TRACKS_YML)
        .reaction()
        .permission('carol', 'write')
        .comment(12, 5002)
        .createDeployment(9002);
      await t.comment({ body: '/unlock eu', login: 'carol' });
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        promotionDeployment({ environment: 'eu', version: '3', track: 'canary', releaseId: 2 }),
      ]);
    });
  });

  describe('an unmet dependency constraint in the track promoted to', () => {
    const t = useBot();
    const YAML = `${TRACKS_YML}requires:\n  storage: ">=2.14.0"\n`;

    it('refuses the promotion, creating nothing, and /status says why', async () => {
      await recordLiveRun(t.ledger, {
        service: 'storage',
        environment: 'eu',
        version: '2.13.9',
        at: T0 - 1000,
      });
      await threeOnYolo(t, YAML);
      t.clock.now = T0 + HOUR;
      t.github.config(YAML);
      await t.sweep();
      expect(t.github.bodies('createDeployment')).toEqual([]);
      expect(await t.ledger.releases({ repo: 'acme/shop', environment: 'eu' })).toEqual([]);

      t.github.config(YAML).reaction().comment();
      await t.comment({ body: '/status' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain(
        '🙅 `3` → **canary** did not go: refusing to deploy shop 3 in eu: requires storage >=2.14.0, but eu runs storage 2.13.9.',
      );
    });
  });

  describe('a bad verdict', () => {
    const t = useBot();
    const YAML = `${TRACKS_YML}verdict: { rollback: none }\n`;

    it('cancels the scheduled promotion of the version, and the timer never promotes it', async () => {
      await threeOnYolo(t, YAML);
      t.github.config(YAML).reaction().permission('alice', 'write').comment(12, 5001).commitStatus(HEAD_SHA);
      await t.comment({ body: '/mark-bad 3 corrupts carts' });
      expect((await t.ledger.promotions({ service: 'shop' }))[0]).toMatchObject({
        state: 'cancelled',
        note: '3 has a bad verdict: it is never promoted',
      });
      t.clock.now = T0 + 2 * HOUR;
      t.github.config(YAML);
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([]);

      t.github.config(YAML).reaction().permission('alice', 'write').comment(12, 5002);
      await t.comment({ body: '/promote 3' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toBe('🙅 3 has a bad verdict: it is never promoted');
    });
  });

  describe('/status', () => {
    const t = useBot();

    it('shows which version is on which track and when the next promotion is due', async () => {
      await threeOnYolo(t);
      t.clock.now = T0 + 20 * MINUTE;
      t.github.config(TRACKS_YML).reaction().comment();
      await t.comment({ body: '/status' });
      t.github.done();
      const body = String(t.github.bodies('comment')[0]?.body);
      expect(body).toContain('| **yolo** | staging | `3` | 2026-12-01 09:00 UTC | in 40m | by deploy |');
      expect(body).toContain('⏭️ Next promotion: `3` **yolo** → **canary** at 2026-12-01 10:00 UTC (in 40m).');
    });
  });
});
