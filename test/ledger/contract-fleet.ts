/** The ledger contract for outcomes, verdicts and promotions; part of describeLedgerContract (contract.ts). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutcomeInput, PromotionRequest, VerdictInput } from '../../src/ledger/fleet-types.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { T0 } from './contract.ts';

const MINUTE = 60_000;

function outcome(overrides: Partial<OutcomeInput> = {}): OutcomeInput {
  return {
    service: 'spark',
    version: '3.1',
    environment: 'prod',
    outcome: 'success',
    source: 'report',
    sourceId: 'job-1',
    at: T0,
    ...overrides,
  };
}

function verdict(overrides: Partial<VerdictInput> = {}): VerdictInput {
  return {
    service: 'spark',
    version: '3.1',
    verdict: 'bad',
    reasonCode: 'failure_rate_higher',
    kind: 'computed',
    actor: 'tranche verdict',
    reason: null,
    message: '3.1 failed 4.00 % of 600 outcomes, 3.0 1.00 % of 2,000',
    evidence: { eValue: 412, samples: 600, trajectory: [{ samples: 10, eValue: 1.5 }] },
    at: T0,
    ...overrides,
  };
}

/** A function, not a constant: T0 comes from contract.ts, which imports this module first. */
function promotion(): PromotionRequest {
  return {
    service: 'spark',
    version: '3.1',
    fromTrack: 'yolo',
    toTrack: 'canary',
    dueAt: T0 + 10 * MINUTE,
    reason: '3.1 baked 10m on every environment of yolo',
  };
}

export function describeFleet(current: () => Ledger): void {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = current();
  });

  describe('outcomes', () => {
    it('records an outcome once per service, source and job id', async () => {
      expect(await ledger.recordOutcome(outcome())).toBe(true);
      expect(await ledger.recordOutcome(outcome({ outcome: 'failure', at: T0 + 1 }))).toBe(false);
      expect(await ledger.outcomes({ service: 'spark' })).toEqual([outcome()]);
    });

    it('keeps the same job id from another source or for another service apart', async () => {
      await ledger.recordOutcome(outcome());
      expect(await ledger.recordOutcome(outcome({ source: 'check_run' }))).toBe(true);
      expect(await ledger.recordOutcome(outcome({ service: 'hdfs' }))).toBe(true);
    });

    it('hands outcomes back in the order they happened, filtered by versions and environment', async () => {
      await ledger.recordOutcome(outcome({ sourceId: 'a', at: T0 + 3 }));
      await ledger.recordOutcome(outcome({ sourceId: 'b', at: T0 + 1, version: '3.0' }));
      await ledger.recordOutcome(outcome({ sourceId: 'c', at: T0 + 2, environment: 'staging' }));
      await ledger.recordOutcome(outcome({ sourceId: 'd', at: T0, version: '2.9' }));
      const ids = async (filter: Parameters<Ledger['outcomes']>[0]) =>
        (await ledger.outcomes(filter)).map((o) => o.sourceId);
      expect(await ids({ service: 'spark' })).toEqual(['d', 'b', 'c', 'a']);
      expect(await ids({ service: 'spark', versions: ['3.1', '3.0'] })).toEqual(['b', 'c', 'a']);
      expect(await ids({ service: 'spark', environment: 'prod', versions: ['3.1'] })).toEqual(['a']);
      expect(await ids({ service: 'spark', versions: [] })).toEqual([]);
    });

    it('records a batch in one go, counting only the new ones', async () => {
      await ledger.recordOutcome(outcome({ sourceId: 'j1' }));
      const added = await ledger.recordOutcomes(
        ['j1', 'j2', 'j3', 'j2'].map((sourceId) => outcome({ sourceId })),
      );
      expect(added).toBe(2);
      expect(await ledger.outcomes({ service: 'spark' })).toHaveLength(3);
    });

    it('records a batch larger than one statement takes, in order', async () => {
      const many = Array.from({ length: 250 }, (_, i) => outcome({ sourceId: `m${i}`, at: T0 + i }));
      expect(await ledger.recordOutcomes(many)).toBe(250);
      expect(await ledger.recordOutcomes(many)).toBe(0);
      expect((await ledger.outcomes({ service: 'spark' })).map((o) => o.sourceId)).toEqual(
        many.map((o) => o.sourceId),
      );
    });

    it('counts failures and totals per version and environment', async () => {
      const results = ['failure', 'success', 'success', 'failure'] as const;
      for (const [i, result] of results.entries()) {
        await ledger.recordOutcome(
          outcome({ sourceId: `j${i}`, outcome: result, environment: i < 3 ? 'prod' : 'qa' }),
        );
      }
      expect(await ledger.outcomeCounts('spark')).toEqual([
        { version: '3.1', environment: 'prod', failures: 1, total: 3, firstAt: T0 },
        { version: '3.1', environment: 'qa', failures: 1, total: 1, firstAt: T0 },
      ]);
    });

    describe('unjudged versions', () => {
      const unjudged = async () =>
        (await ledger.unjudgedVersions()).map(({ service, version }) => `${service} ${version}`);
      const onlyUnjudged = async () => {
        const [only, ...more] = await ledger.unjudgedVersions();
        if (!only || more.length > 0) throw new Error('expected exactly one unjudged version');
        return only;
      };

      it('marks each version that got new outcomes, by one or by a batch', async () => {
        await ledger.recordOutcome(outcome());
        await ledger.recordOutcomes([
          outcome({ sourceId: 'j2', version: '3.2' }),
          outcome({ sourceId: 'j3', service: 'hdfs' }),
        ]);
        expect(await unjudged()).toEqual(['hdfs 3.1', 'spark 3.1', 'spark 3.2']);
      });

      it('settles a version judged since its last outcome, which a new outcome marks again', async () => {
        await ledger.recordOutcome(outcome());
        expect(await ledger.settleUnjudged(await onlyUnjudged())).toBe(true);
        expect(await unjudged()).toEqual([]);
        await ledger.recordOutcome(outcome({ sourceId: 'j2' }));
        expect(await unjudged()).toEqual(['spark 3.1']);
      });

      it('keeps a version that got an outcome after it was read for judging', async () => {
        await ledger.recordOutcome(outcome());
        const read = await onlyUnjudged();
        await ledger.recordOutcome(outcome({ sourceId: 'j2' }));
        expect(await ledger.settleUnjudged(read)).toBe(false);
        expect(await unjudged()).toEqual(['spark 3.1']);
      });

      it('marks nothing for an outcome recorded before', async () => {
        await ledger.recordOutcome(outcome());
        await ledger.settleUnjudged(await onlyUnjudged());
        await ledger.recordOutcome(outcome());
        await ledger.recordOutcomes([outcome()]);
        expect(await unjudged()).toEqual([]);
      });
    });

    it('refuses an outcome that is neither success nor failure', async () => {
      await expect(ledger.recordOutcome(outcome({ outcome: 'flaky' as never }))).rejects.toThrow(
        /success or failure/,
      );
    });
  });

  describe('verdicts', () => {
    it('appends every verdict, computed and override, and hands them back oldest first with their evidence', async () => {
      const first = await ledger.recordVerdict(verdict());
      const override = await ledger.recordVerdict(
        verdict({
          verdict: 'good',
          reasonCode: 'marked_good',
          kind: 'override',
          actor: 'alice',
          reason: 'the failures were a broken input file',
          evidence: null,
          at: T0 + MINUTE,
        }),
      );
      await ledger.recordVerdict(verdict({ version: '3.2', at: T0 + 2 * MINUTE }));
      expect(override.id).toBeGreaterThan(first.id);
      const records = await ledger.verdicts('spark', '3.1');
      expect(records).toEqual([first, override]);
      expect(records[0]?.evidence).toEqual({
        eValue: 412,
        samples: 600,
        trajectory: [{ samples: 10, eValue: 1.5 }],
      });
      expect((await ledger.verdicts('spark')).map((v) => v.version)).toEqual(['3.1', '3.1', '3.2']);
    });
  });

  describe('promotions', () => {
    const key = { service: 'spark', version: '3.1', toTrack: 'canary' };
    let PROMOTION: PromotionRequest;
    beforeEach(() => {
      PROMOTION = promotion();
    });

    it('schedules a promotion, and moves its due time while it is still scheduled', async () => {
      expect(await ledger.schedulePromotion(PROMOTION, T0)).toEqual({
        ...PROMOTION,
        state: 'scheduled',
        claimedBy: null,
        claimedUntil: null,
        note: null,
        createdAt: T0,
        updatedAt: T0,
        repo: null,
        installationId: null,
      });
      const moved = await ledger.schedulePromotion({ ...PROMOTION, dueAt: T0 + 20 * MINUTE }, T0 + MINUTE);
      expect(moved).toMatchObject({ dueAt: T0 + 20 * MINUTE, createdAt: T0, updatedAt: T0 + MINUTE });
    });

    it("keeps the bot's repository and installation, also when scheduled again without them", async () => {
      const home = { repo: 'acme/spark', installationId: 42 };
      expect(await ledger.schedulePromotion({ ...PROMOTION, ...home }, T0)).toMatchObject(home);
      const moved = await ledger.schedulePromotion({ ...PROMOTION, dueAt: T0 + 20 * MINUTE }, T0 + MINUTE);
      expect(moved).toMatchObject({ ...home, dueAt: T0 + 20 * MINUTE });
      expect((await ledger.promotions({ service: 'spark' }))[0]).toMatchObject(home);
    });

    it('is not claimed before it is due', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      expect(await ledger.claimPromotion(key, 'replica-a', MINUTE, PROMOTION.dueAt - 1)).toBeNull();
    });

    it('gives a due promotion to one claimant; the next gets nothing while the claim lasts', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      const at = PROMOTION.dueAt;
      expect(await ledger.claimPromotion(key, 'replica-a', MINUTE, at)).toMatchObject({
        state: 'claimed',
        claimedBy: 'replica-a',
        claimedUntil: at + MINUTE,
      });
      expect(await ledger.claimPromotion(key, 'replica-b', MINUTE, at + MINUTE - 1)).toBeNull();
    });

    it('gives one of many concurrent claimants the promotion', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ledger.claimPromotion(key, `replica-${i}`, MINUTE, PROMOTION.dueAt),
        ),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
    });

    it('lets another claimant take it over once a claim runs out (its holder died)', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      await ledger.claimPromotion(key, 'replica-a', MINUTE, PROMOTION.dueAt);
      const taken = await ledger.claimPromotion(key, 'replica-b', MINUTE, PROMOTION.dueAt + MINUTE);
      expect(taken?.claimedBy).toBe('replica-b');
      expect(
        await ledger.finishPromotion(key, 'replica-a', 'done', null, PROMOTION.dueAt + MINUTE),
      ).toBeNull();
    });

    it('is finished by its holder only, and once done is never scheduled or claimed again', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      await ledger.claimPromotion(key, 'replica-a', MINUTE, PROMOTION.dueAt);
      expect(await ledger.finishPromotion(key, 'replica-b', 'done', null, PROMOTION.dueAt + 1)).toBeNull();
      const done = await ledger.finishPromotion(
        key,
        'replica-a',
        'done',
        'deployment 9',
        PROMOTION.dueAt + 1,
      );
      expect(done).toMatchObject({ state: 'done', note: 'deployment 9', claimedUntil: null });
      expect((await ledger.schedulePromotion(PROMOTION, PROMOTION.dueAt + 2)).state).toBe('done');
      expect(await ledger.claimPromotion(key, 'replica-b', MINUTE, PROMOTION.dueAt + 2 * MINUTE)).toBeNull();
    });

    it('cancels a scheduled promotion, which scheduling again revives', async () => {
      await ledger.schedulePromotion(PROMOTION, T0);
      expect(await ledger.cancelPromotion(key, 'canary is on hold', T0 + 1)).toMatchObject({
        state: 'cancelled',
        note: 'canary is on hold',
      });
      expect(await ledger.claimPromotion(key, 'replica-a', MINUTE, PROMOTION.dueAt)).toBeNull();
      expect(await ledger.cancelPromotion(key, 'again', T0 + 2)).toBeNull();
      expect((await ledger.schedulePromotion(PROMOTION, T0 + 3)).state).toBe('scheduled');
    });

    it('lists promotions by service, state and due time, soonest first', async () => {
      await ledger.schedulePromotion({ ...PROMOTION, toTrack: 'stable', dueAt: T0 + 30 * MINUTE }, T0);
      await ledger.schedulePromotion(PROMOTION, T0);
      await ledger.schedulePromotion({ ...PROMOTION, service: 'hdfs' }, T0);
      await ledger.claimPromotion(key, 'replica-a', MINUTE, PROMOTION.dueAt);
      const tracks = async (filter: Parameters<Ledger['promotions']>[0]) =>
        (await ledger.promotions(filter)).map((p) => `${p.service}:${p.toTrack}:${p.state}`);
      expect(await tracks({ service: 'spark' })).toEqual(['spark:canary:claimed', 'spark:stable:scheduled']);
      expect(await tracks({ states: ['scheduled'] })).toEqual([
        'hdfs:canary:scheduled',
        'spark:stable:scheduled',
      ]);
      expect(await tracks({ dueBy: T0 + 10 * MINUTE })).toEqual([
        'hdfs:canary:scheduled',
        'spark:canary:claimed',
      ]);
    });
  });
}
