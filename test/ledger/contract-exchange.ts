/**
 * The ledger contract for moving records between ledgers (export, import) and for retention
 * (prune); part of describeLedgerContract (contract.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryClaim, Ledger, LedgerRecord } from '../../src/ledger/types.ts';
import type { WatchTransition } from '../../src/ledger/watch-types.ts';
import { event, runFinished, runStarted, T0 } from './contract.ts';

const DAY = 24 * 60 * 60 * 1000;

async function collect(records: AsyncIterable<LedgerRecord>): Promise<LedgerRecord[]> {
  const all: LedgerRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

async function* yieldAll(records: LedgerRecord[]): AsyncIterable<LedgerRecord> {
  yield* records;
}

/** A change of one cell of `tranche watch`'s matrix: target `target`'s health check. */
function transition(target: string, at: number, state: 'red' | 'green'): WatchTransition {
  return {
    service: 'api',
    environment: 'prod',
    component: 'web',
    target,
    check: 'health',
    at,
    state,
    status: state === 'green' ? 'pass' : 'fail',
    reason: state === 'green' ? 'HTTP 200' : 'HTTP 503',
    value: state === 'green' ? 12.5 : null,
  };
}

/**
 * A ledger with two versions, a finished run (started by alice) and an unfinished one, their
 * events, a target, two outcomes, a computed verdict, an override and two watch transitions.
 */
async function populate(ledger: Ledger): Promise<void> {
  await ledger.nextVersion('api', 'aaa', '1.{n}', T0);
  await ledger.nextVersion('api', 'bbb', '1.{n}', T0 + 1);
  await ledger.record(
    runStarted('r1', T0 + 10, { version: '1.1', data: { commit: 'sha-r1', actor: 'alice' } }),
  );
  await ledger.record(event({ runId: 'r1', seq: 2, kind: 'check', at: T0 + 11, data: { value: 3 } }));
  await ledger.record(runFinished('r1', T0 + 12, { seq: 3, version: '1.1' }));
  await ledger.record(runStarted('r2', T0 + 20, { version: '1.2' }));
  await ledger.updateTargets('api', 'prod', 'r1', [
    { component: 'web', target: 'w1', version: '1.1', good: true },
  ]);
  await ledger.recordOutcomes(
    (['success', 'failure'] as const).map((outcome, i) => ({
      service: 'api',
      version: '1.2',
      environment: 'prod',
      outcome,
      source: 'job',
      sourceId: `j${i}`,
      at: T0 + 30 + i,
    })),
  );
  const verdict = { service: 'api', version: '1.2', evidence: null, reason: null } as const;
  await ledger.recordVerdict({
    ...verdict,
    verdict: 'pending',
    reasonCode: 'too_few_samples',
    kind: 'computed',
    actor: 'tranche verdict',
    message: '1.2 has 2 outcomes',
    at: T0 + 40,
  });
  await ledger.recordVerdict({
    ...verdict,
    verdict: 'bad',
    reasonCode: 'marked_bad',
    kind: 'override',
    actor: 'alice',
    reason: 'corrupts the index',
    message: 'marked bad by alice: corrupts the index',
    at: T0 + 41,
  });
  await ledger.recordWatchTransitions([transition('w1', T0 + 50, 'red'), transition('w1', T0 + 51, 'green')]);
}

/** Everything a ledger holds, in a comparable form. */
async function contents(ledger: Ledger) {
  return {
    versions: await ledger.versions('api'),
    runs: await ledger.runs({}),
    events: await ledger.events({}),
    targets: await ledger.targetStates('api', 'prod'),
    outcomes: await ledger.outcomes({ service: 'api' }),
    overrides: (await ledger.verdicts('api'))
      .filter((v) => v.kind === 'override')
      .map(({ id: _, ...v }) => v),
    watch: (await ledger.watchTransitions({ service: 'api', environment: 'prod' })).map(
      ({ id: _, ...t }) => t,
    ),
  };
}

export function describeExchange(current: () => Ledger, makeLedger: () => Promise<Ledger>): void {
  describe('export and import', () => {
    let source: Ledger;
    let target: Ledger;

    beforeEach(async () => {
      source = current();
      target = await makeLedger();
      return () => target.close();
    });

    it('exports versions, runs, events, target states, outcomes, overrides and watch transitions, in that order', async () => {
      await populate(source);
      const types = (await collect(source.exportRecords(0))).map((r) => r.type);
      expect(types).toEqual([
        'version',
        'version',
        'run',
        'run',
        'event',
        'event',
        'event',
        'event',
        'target',
        'outcome',
        'outcome',
        'verdict',
        'watch',
        'watch',
      ]);
    });

    it('exports the overrides of verdicts, not the verdicts computed from outcomes', async () => {
      await populate(source);
      const verdicts = (await collect(source.exportRecords(0))).flatMap((r) =>
        r.type === 'verdict' ? [r.verdict] : [],
      );
      expect(verdicts).toEqual([
        expect.objectContaining({ kind: 'override', actor: 'alice', verdict: 'bad' }),
      ]);
    });

    it('exports only what was recorded since, with the runs that finished since', async () => {
      await populate(source);
      const records = await collect(source.exportRecords(T0 + 12));
      expect(records.map((r) => (r.type === 'run' ? r.run.runId : r.type))).toEqual([
        'r1',
        'r2',
        'event',
        'event',
        'target',
        'outcome',
        'outcome',
        'verdict',
        'watch',
        'watch',
      ]);
    });

    it('exports only the watch transitions recorded since', async () => {
      await populate(source);
      const watched = (await collect(source.exportRecords(T0 + 51))).flatMap((r) =>
        r.type === 'watch' ? [r.watch] : [],
      );
      expect(watched).toEqual([transition('w1', T0 + 51, 'green')]);
    });

    it('recreates every record of one ledger in another', async () => {
      await populate(source);
      await target.importRecords(() => source.exportRecords(0));
      const [from, to] = [await contents(source), await contents(target)];
      expect(to).toEqual(from);
      expect(to.runs).toHaveLength(2);
      expect(to.outcomes).toHaveLength(2);
      expect(to.overrides).toHaveLength(1);
      expect(to.watch).toEqual([transition('w1', T0 + 50, 'red'), transition('w1', T0 + 51, 'green')]);
      expect(to.runs.map((r) => [r.runId, r.actor])).toEqual([
        ['r2', null],
        ['r1', 'alice'],
      ]);
      expect((await target.watchCells('api', 'prod')).map((c) => c.state)).toEqual(['green']);
    });

    it('imports a run without an actor, as bundles from before it was kept carry them', async () => {
      const run = {
        runId: 'old',
        service: 'api',
        environment: 'prod',
        version: '1.1',
        commit: null,
        startedAt: T0,
        finishedAt: null,
        decision: null,
        reasonCode: null,
        durationMs: null,
        actor: null,
      };
      expect((await target.importRecords(() => yieldAll([{ type: 'run', run }]))).run.written).toBe(1);
      expect((await target.runs({}))[0]?.actor).toBeNull();
    });

    it('counts what it wrote, and changes nothing when the same records come again', async () => {
      await populate(source);
      const first = await target.importRecords(() => source.exportRecords(0));
      expect(first).toEqual({
        version: { written: 2, present: 0 },
        run: { written: 2, present: 0 },
        event: { written: 4, present: 0 },
        target: { written: 1, present: 0 },
        outcome: { written: 2, present: 0 },
        verdict: { written: 1, present: 0 },
        watch: { written: 2, present: 0 },
      });
      const before = await contents(target);
      const second = await target.importRecords(() => source.exportRecords(0));
      expect(second).toEqual({
        version: { written: 0, present: 2 },
        run: { written: 0, present: 2 },
        event: { written: 0, present: 4 },
        target: { written: 0, present: 1 },
        outcome: { written: 0, present: 2 },
        verdict: { written: 0, present: 1 },
        watch: { written: 0, present: 2 },
      });
      expect(await contents(target)).toEqual(before);
    });

    it('continues the imported counter on the next allocation', async () => {
      await populate(source);
      await target.importRecords(() => source.exportRecords(0));
      expect((await target.nextVersion('api', null, '1.{n}', T0 + 100)).version).toBe('1.3');
    });

    it('finishes a run the ledger knew only as started', async () => {
      await source.record(runStarted('r1', T0));
      await target.importRecords(() => source.exportRecords(0));
      await source.record(runFinished('r1', T0 + 5));
      const counts = await target.importRecords(() => source.exportRecords(0));
      expect(counts.run).toEqual({ written: 1, present: 0 });
      expect((await target.runs({}))[0]).toMatchObject({ finishedAt: T0 + 5, decision: 'succeeded' });
    });

    it('replaces a target state only with a newer one', async () => {
      const state = (version: string, updatedAt: number): LedgerRecord => ({
        type: 'target',
        target: {
          service: 'api',
          environment: 'prod',
          component: 'web',
          target: 'w1',
          version,
          goodVersion: version,
          runId: 'r',
          updatedAt,
        },
      });
      await target.importRecords(() => yieldAll([state('2', T0 + 10)]));
      await target.importRecords(() => yieldAll([state('1', T0)]));
      expect((await target.targetStates('api', 'prod'))[0]?.version).toBe('2');
      await target.importRecords(() => yieldAll([state('3', T0 + 20)]));
      expect((await target.targetStates('api', 'prod'))[0]?.version).toBe('3');
    });

    it('refuses a version whose counter is another version here, and writes nothing', async () => {
      await target.nextVersion('api', 'local', '1.{n}', T0);
      await populate(source);
      await expect(target.importRecords(() => source.exportRecords(0))).rejects.toThrow(
        /version 1\.1 \(api #1, commit aaa\) clashes with 1\.1 \(commit local\)/,
      );
      expect(await target.runs({})).toEqual([]);
      expect(await target.events({})).toEqual([]);
      expect((await target.versions('api')).map((v) => v.commit)).toEqual(['local']);
    });

    it('refuses a version whose label another counter has here, and writes nothing', async () => {
      await target.nextVersion('api', 'local', '1{n}', T0);
      const eleventh = { service: 'api', n: 11, version: '11', commit: 'c11', createdAt: T0 };
      await expect(
        target.importRecords(() => yieldAll([{ type: 'version', version: eleventh }])),
      ).rejects.toThrow(/version 11 \(api #11, commit c11\) clashes with 11 here \(#1, commit local\)/);
      expect((await target.versions('api')).map((v) => v.version)).toEqual(['11']);
    });
  });
}

/** Delivery claims received `at`: a webhook's, and the bot's own for a verdict's reaction and a promotion. */
function claimsAt(at: number): Record<'delivery' | 'comment' | 'verdict' | 'promotion', DeliveryClaim> {
  const repo = 'acme/shop';
  return {
    // The bot's timer (installation-scope.ts) and a command (webhook-identity.ts, context.name).
    delivery: { id: `sweep-${at}-replica`, repo, event: 'sweep', at },
    comment: { id: `issue_comment:${at}`, repo, event: 'issue_comment', at },
    verdict: { id: `verdict:${repo}:api:1:bad:0:${at}`, repo, event: 'verdict', at },
    promotion: { id: `promotion:${repo}:api:1:stable:${at}:prod`, repo, event: 'promotion', at },
  };
}

export function describePrune(current: () => Ledger): void {
  describe('prune', () => {
    let ledger: Ledger;
    const old = T0 - 100 * DAY;
    const oldClaims = claimsAt(old);
    const newClaims = claimsAt(T0);

    beforeEach(async () => {
      ledger = current();
      await ledger.nextVersion('api', 'aaa', '{n}', old);
      await ledger.record(runStarted('old', old));
      await ledger.record(event({ runId: 'old', seq: 2, kind: 'check', at: old + 1 }));
      await ledger.record(event({ runId: 'old', seq: 3, kind: 'target_deploy', at: old + 2 }));
      await ledger.record(event({ runId: 'old', seq: 4, kind: 'check', at: old + 3 }));
      await ledger.record(runFinished('old', old + 4, { seq: 5 }));
      await ledger.updateTargets('api', 'prod', 'old', [
        { component: 'web', target: 'w1', version: '1', good: true },
      ]);
      await ledger.record(runStarted('new', T0));
      await ledger.record(event({ runId: 'new', seq: 2, kind: 'check', at: T0 + 1 }));
      for (const claim of [...Object.values(oldClaims), ...Object.values(newClaims)]) {
        await ledger.claimDelivery(claim);
      }
      // w1 flapped long ago and has been quiet since; w2 went red long ago and green today.
      await ledger.recordWatchTransitions([
        transition('w1', old, 'red'),
        transition('w1', old + 1, 'green'),
        transition('w1', old + 2, 'red'),
        transition('w2', old, 'red'),
        transition('w2', T0, 'green'),
      ]);
    });

    const watched = async () =>
      (await ledger.watchTransitions({ service: 'api', environment: 'prod' })).map((t) => [t.target, t.at]);

    /** Whether the claim is still recorded: a claim that is can not be made again. */
    const claimed = async (claim: DeliveryClaim) => !(await ledger.claimDelivery(claim));

    it('removes older fine-grained events and says how many of each kind', async () => {
      const result = await ledger.prune(T0 - 90 * DAY);
      expect(result).toEqual({
        before: T0 - 90 * DAY,
        removed: { check: 2, target_deploy: 1 },
        events: 3,
        deliveries: 1,
        watchTransitions: 3,
      });
      expect((await ledger.events({ runId: 'old' })).map((e) => e.kind)).toEqual([
        'run_started',
        'run_finished',
      ]);
    });

    it("keeps every version, run with its decision, target state and each run's start and finish", async () => {
      await ledger.prune(T0);
      expect(await ledger.versions('api')).toHaveLength(1);
      expect((await ledger.runs({})).map((r) => [r.runId, r.decision])).toEqual([
        ['new', null],
        ['old', 'succeeded'],
      ]);
      expect(await ledger.targetStates('api', 'prod')).toHaveLength(1);
      expect((await ledger.events({ runId: 'new' })).map((e) => e.kind)).toEqual(['run_started', 'check']);
    });

    it('removes the claims of timer runs made before the cut', async () => {
      await ledger.prune(T0 - 90 * DAY);
      expect(await claimed(oldClaims.delivery)).toBe(false);
      expect(await claimed(newClaims.delivery)).toBe(true);
    });

    it("keeps the claims of the bot's own one-time acts, a verdict's reaction and a promotion, however old", async () => {
      await ledger.prune(T0);
      expect(await claimed(oldClaims.verdict)).toBe(true);
      expect(await claimed(oldClaims.promotion)).toBe(true);
    });

    it("keeps the claim of each command comment, however old: the comment's signed body sent again does not run it again", async () => {
      const result = await ledger.prune(T0);
      expect(result.deliveries).toBe(1);
      expect(await claimed(oldClaims.comment)).toBe(true);
      expect(await claimed(newClaims.comment)).toBe(true);
    });

    it("removes older watch transitions but each cell's newest: the matrix stays as the last watch left it", async () => {
      const cells = await ledger.watchCells('api', 'prod');
      await ledger.prune(T0 - 90 * DAY);
      expect(await watched()).toEqual([
        ['w1', old + 2],
        ['w2', T0],
      ]);
      expect(await ledger.watchCells('api', 'prod')).toEqual(cells);
      expect((await ledger.prune(T0 + 1)).watchTransitions).toBe(0);
    });

    it('only counts on a dry run', async () => {
      const result = await ledger.prune(T0 - 90 * DAY, { dryRun: true });
      expect(result.events).toBe(3);
      expect(result.deliveries).toBe(1);
      expect(result.watchTransitions).toBe(3);
      expect(await watched()).toHaveLength(5);
      expect(await ledger.events({ runId: 'old' })).toHaveLength(5);
      expect(await claimed(oldClaims.delivery)).toBe(true);
    });
  });
}
