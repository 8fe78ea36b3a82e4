import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type MemberHealth,
  type PromotionInput,
  planPromotions,
  requestPromotion,
  type TrackSpec,
} from '../../src/engine/tracks.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

const TRACKS: TrackSpec[] = [
  { name: 'yolo', members: [{ environment: 'yolo-1' }], bakeMs: HOUR, promote: 'auto' },
  {
    name: 'canary',
    members: [{ environment: 'canary-1' }, { environment: 'canary-2' }],
    bakeMs: 4 * HOUR,
    promote: 'auto',
  },
  { name: 'stable', members: [{ environment: 'production' }], bakeMs: 0, promote: 'auto' },
];

/** Who runs what, and since when healthy: the world the planner is told about. */
type World = Record<string, { version: string | null; healthySince: number | null }>;

function healthOf(world: World, tracks: TrackSpec[] = TRACKS): MemberHealth[] {
  return tracks.flatMap((t) =>
    t.members.map((m) => ({
      track: t.name,
      environment: m.environment,
      version: world[m.environment]?.version ?? null,
      healthySince: world[m.environment]?.healthySince ?? null,
    })),
  );
}

function input(world: World, now: number, overrides: Partial<PromotionInput> = {}): PromotionInput {
  return {
    tracks: TRACKS,
    health: healthOf(world),
    versions: ['1.1', '1.2', '1.3'],
    holds: [],
    bad: [],
    now,
    ...overrides,
  };
}

const onYolo = (version: string, since: number): World => ({ 'yolo-1': { version, healthySince: since } });

describe('planPromotions', () => {
  it('has nothing due and nothing coming before anything is deployed', () => {
    const plan = planPromotions(input({}, T0));
    expect(plan).toMatchObject({ due: [], upcoming: [], next: null, blocked: [] });
  });

  describe('while the first track bakes', () => {
    const plan = planPromotions(input(onYolo('1.2', T0), T0 + 30 * MINUTE));

    it('says when the next promotion is due: when every member has been healthy for the bake', () => {
      expect(plan.next).toMatchObject({
        version: '1.2',
        from: 'yolo',
        to: 'canary',
        dueAt: T0 + HOUR,
        reason: 'baked',
      });
      expect(plan.due).toEqual([]);
    });

    it('shows which version is on which track and since when it is healthy', () => {
      expect(plan.tracks[0]).toEqual({
        track: 'yolo',
        version: '1.2',
        mixed: false,
        healthySince: T0,
        bakedAt: T0 + HOUR,
        held: false,
        deploying: null,
      });
      expect(plan.tracks[1]).toMatchObject({ track: 'canary', version: null, healthySince: null });
    });
  });

  it('makes the promotion due once the bake is over, with the reason', () => {
    const plan = planPromotions(input(onYolo('1.2', T0), T0 + HOUR));
    expect(plan.due).toEqual([
      {
        version: '1.2',
        from: 'yolo',
        to: 'canary',
        dueAt: T0 + HOUR,
        reason: 'baked',
        message: '1.2 baked 1h on every environment of yolo',
      },
    ]);
  });

  it('bakes from when the last member became healthy', () => {
    const world: World = {
      'canary-1': { version: '1.2', healthySince: T0 },
      'canary-2': { version: '1.2', healthySince: T0 + 2 * HOUR },
    };
    expect(planPromotions(input(world, T0)).next?.dueAt).toBe(T0 + 6 * HOUR);
  });

  it('waits, saying where, while a member is not healthy on the version', () => {
    const world: World = {
      'canary-1': { version: '1.2', healthySince: T0 },
      'canary-2': { version: '1.2', healthySince: null },
    };
    const plan = planPromotions(input(world, T0 + 10 * HOUR));
    expect(plan.due).toEqual([]);
    expect(plan.blocked).toEqual([
      {
        version: '1.2',
        from: 'canary',
        to: 'stable',
        reason: 'unhealthy',
        message: '1.2 is not healthy on canary-2',
      },
    ]);
  });

  it('waits, saying where and what, while a run is deploying to a member', () => {
    const health = healthOf({ 'yolo-1': { version: '1.1', healthySince: null } }).map((h) =>
      h.environment === 'yolo-1' ? { ...h, deploying: '1.2' } : h,
    );
    const plan = planPromotions(input({}, T0 + 10 * HOUR, { health }));
    expect(plan.tracks[0]).toMatchObject({ track: 'yolo', version: '1.1', deploying: '1.2' });
    expect(plan.due).toEqual([]);
    expect(plan.blocked).toEqual([
      {
        version: '1.2',
        from: 'yolo',
        to: 'canary',
        reason: 'deploying',
        message: '1.2 is being deployed to yolo-1',
      },
    ]);
  });

  it('does not promote out of a track whose members run different versions', () => {
    const world: World = {
      'canary-1': { version: '1.2', healthySince: T0 },
      'canary-2': { version: '1.1', healthySince: T0 },
    };
    expect(planPromotions(input(world, T0 + 10 * HOUR)).blocked[0]).toMatchObject({
      reason: 'mixed',
      message: 'canary runs more than one version (canary-1: 1.2, canary-2: 1.1)',
    });
  });

  it('has nothing to do when the next track runs the version, or a newer one, already', () => {
    const world: World = {
      ...onYolo('1.2', T0),
      'canary-1': { version: '1.3', healthySince: T0 },
      'canary-2': { version: '1.2', healthySince: T0 },
    };
    const plan = planPromotions(input(world, T0 + 2 * HOUR));
    expect(plan.due.filter((p) => p.from === 'yolo')).toEqual([]);
  });

  describe('stops', () => {
    it('at a hold on the track promoted to, or from', () => {
      for (const held of ['yolo', 'canary']) {
        const plan = planPromotions(input(onYolo('1.2', T0), T0 + 2 * HOUR, { holds: [held] }));
        expect(plan.due).toEqual([]);
        expect(plan.blocked).toEqual([
          { version: '1.2', from: 'yolo', to: 'canary', reason: 'held', message: `${held} is on hold` },
        ]);
        expect(plan.tracks.find((t) => t.track === held)?.held).toBe(true);
      }
    });

    it('at a version with a bad verdict', () => {
      const plan = planPromotions(input(onYolo('1.2', T0), T0 + 2 * HOUR, { bad: ['1.2'] }));
      expect(plan.blocked[0]).toMatchObject({ reason: 'bad_verdict' });
      expect(plan.due).toEqual([]);
    });

    it('at a manual track, once baked, saying how to promote', () => {
      const tracks = TRACKS.map((t) => (t.name === 'canary' ? { ...t, promote: 'manual' as const } : t));
      const plan = planPromotions(input(onYolo('1.2', T0), T0 + 2 * HOUR, { tracks }));
      expect(plan.blocked).toEqual([
        {
          version: '1.2',
          from: 'yolo',
          to: 'canary',
          reason: 'manual',
          bakedAt: T0 + HOUR,
          message: 'canary is promoted to by hand',
        },
      ]);
    });
  });
});

describe('requestPromotion (/promote)', () => {
  it('promotes to the next track at once, skipping the bake', () => {
    expect(requestPromotion(input(onYolo('1.2', T0), T0 + MINUTE), { version: '1.2' })).toEqual({
      allowed: true,
      promotion: {
        version: '1.2',
        from: 'yolo',
        to: 'canary',
        dueAt: T0 + MINUTE,
        reason: 'requested',
        message: '1.2 promoted from yolo to canary on request',
      },
    });
  });

  it('never past a hold or a bad verdict', () => {
    expect(
      requestPromotion(input(onYolo('1.2', T0), T0, { holds: ['canary'] }), { version: '1.2' }),
    ).toMatchObject({
      allowed: false,
      reason: 'held',
    });
    expect(
      requestPromotion(input(onYolo('1.2', T0), T0, { bad: ['1.2'] }), { version: '1.2' }),
    ).toMatchObject({
      allowed: false,
      reason: 'bad_verdict',
    });
  });

  it('refuses a track that runs the version, or a newer one, already', () => {
    const world: World = {
      ...onYolo('1.2', T0),
      'canary-1': { version: '1.2', healthySince: T0 },
      'canary-2': { version: '1.3', healthySince: T0 },
    };
    expect(requestPromotion(input(world, T0), { version: '1.2', to: 'canary' })).toEqual({
      allowed: false,
      reason: 'already_there',
      message: 'every environment of canary runs 1.2 or a newer version already',
    });
  });

  it('needs the version on the track before the one named', () => {
    expect(requestPromotion(input(onYolo('1.2', T0), T0), { version: '1.2', to: 'stable' })).toMatchObject({
      allowed: false,
      reason: 'not_on_a_track',
      message: '1.2 does not run on every environment of canary, the track before stable',
    });
    expect(requestPromotion(input({}, T0), { version: '1.2', to: 'qa' })).toMatchObject({
      reason: 'unknown_track',
    });
  });
});

/**
 * A bot replica as the bot helper will write one: each tick it plans, schedules what is due or
 * coming in the ledger, claims what is due, deploys it (here: changes the world) and finishes it.
 * It keeps nothing in memory between ticks, so a new replica (a restart) carries on from the ledger.
 */
function replica(ledger: SqliteLedger, holder: string, world: World, deployed: string[]) {
  return async (now: number, holds: string[] = []): Promise<void> => {
    const plan = planPromotions(input(world, now, { holds }));
    for (const p of [...plan.due, ...plan.upcoming]) {
      await ledger.schedulePromotion(
        {
          service: 'shop',
          version: p.version,
          fromTrack: p.from,
          toTrack: p.to,
          dueAt: p.dueAt,
          reason: p.message,
        },
        now,
      );
    }
    for (const b of plan.blocked.filter((x) => x.reason === 'held' && x.version)) {
      await ledger.cancelPromotion(
        { service: 'shop', version: b.version as string, toTrack: b.to },
        b.message,
        now,
      );
    }
    for (const p of await ledger.promotions({
      service: 'shop',
      states: ['scheduled', 'claimed'],
      dueBy: now,
    })) {
      const claimed = await ledger.claimPromotion(p, holder, 10 * MINUTE, now);
      if (!claimed) continue;
      const track = TRACKS.find((t) => t.name === claimed.toTrack) as TrackSpec;
      for (const m of track.members) world[m.environment] = { version: claimed.version, healthySince: now };
      deployed.push(`${claimed.version}→${claimed.toTrack}@${(now - T0) / MINUTE}m by ${holder}`);
      await ledger.finishPromotion(claimed, holder, 'done', null, now);
    }
  };
}

describe('automatic promotion across three tracks, with a fake clock', () => {
  let dir: string;
  let path: string;
  const opened: SqliteLedger[] = [];
  const open = async () => {
    const ledger = await SqliteLedger.open(path);
    opened.push(ledger);
    return ledger;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tranche-tracks-'));
    path = join(dir, 'ledger.db');
  });
  afterEach(async () => {
    for (const l of opened.splice(0)) await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes yolo → canary after its bake and canary → stable after its own, through a restart mid-bake', async () => {
    const clock = new FakeClock({ start: T0, auto: false });
    const world: World = onYolo('1.2', T0);
    const deployed: string[] = [];
    let bot = replica(await open(), 'replica-a', world, deployed);
    await bot(clock.now());
    await clock.advance(30 * MINUTE);
    await bot(clock.now());
    expect(deployed).toEqual([]);

    // The bot restarts mid-bake: a new process, with nothing but the ledger.
    await opened[0]?.close();
    opened.shift();
    const scheduled = await (await open()).promotions({ service: 'shop', states: ['scheduled'] });
    expect(scheduled.map((p) => [p.version, p.toTrack, p.dueAt])).toEqual([['1.2', 'canary', T0 + HOUR]]);
    bot = replica(opened[0] as SqliteLedger, 'replica-b', world, deployed);

    await clock.advance(30 * MINUTE - 1);
    await bot(clock.now());
    expect(deployed).toEqual([]);
    await clock.advance(1);
    await bot(clock.now());
    expect(deployed).toEqual(['1.2→canary@60m by replica-b']);

    await clock.advance(4 * HOUR - MINUTE);
    await bot(clock.now());
    expect(deployed).toHaveLength(1);
    await clock.advance(MINUTE);
    await bot(clock.now());
    expect(deployed).toEqual(['1.2→canary@60m by replica-b', '1.2→stable@300m by replica-b']);
    await bot(clock.now() + HOUR);
    expect(deployed).toHaveLength(2);
  });

  // Two SQLite connections in one process must not interleave transactions (node:sqlite blocks the
  // event loop while it waits for the file's lock), so the replicas tick one after the other at
  // each moment, in turn order; test/ledger/promotion-claims.test.ts races real concurrent claims.
  it('fires each promotion once with two replicas ticking at the same moments', async () => {
    const clock = new FakeClock({ start: T0, auto: false });
    const world: World = onYolo('1.2', T0);
    const deployed: string[] = [];
    const a = replica(await open(), 'replica-a', world, deployed);
    const b = replica(await open(), 'replica-b', world, deployed);
    for (let step = 0; step <= 6 * 12; step++) {
      const [first, second] = step % 2 === 0 ? [a, b] : [b, a];
      await first(clock.now());
      await second(clock.now());
      await clock.advance(5 * MINUTE);
    }
    expect(deployed.map((d) => d.replace(/ by replica-[ab]$/, ''))).toEqual([
      '1.2→canary@60m',
      '1.2→stable@300m',
    ]);
  });

  it('holds: nothing moves while a track is on hold, and the promotion goes once it is released', async () => {
    const clock = new FakeClock({ start: T0, auto: false });
    const world: World = onYolo('1.2', T0);
    const deployed: string[] = [];
    const bot = replica(await open(), 'replica-a', world, deployed);
    await bot(clock.now());
    await clock.advance(2 * HOUR);
    await bot(clock.now(), ['canary']);
    expect(deployed).toEqual([]);
    const [cancelled] = await (opened[0] as SqliteLedger).promotions({ service: 'shop' });
    expect(cancelled).toMatchObject({ state: 'cancelled', note: 'canary is on hold' });
    await clock.advance(MINUTE);
    await bot(clock.now());
    expect(deployed).toEqual(['1.2→canary@121m by replica-a']);
  });
});
