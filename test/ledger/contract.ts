/**
 * What every Ledger backend must do, as a suite any backend can run against itself:
 *
 *   describeLedgerContract('SQLite', async () => SqliteLedger.open(':memory:'));
 *
 * `makeLedger` must hand out an empty ledger each time; the suite closes it after each test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../src/engine/ports.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { describeExchange, describePrune } from './contract-exchange.ts';
import { describeFleet } from './contract-fleet.ts';
import { describeLocks } from './contract-locks.ts';
import { describeRedeliveries } from './contract-redeliveries.ts';
import { describeReleases } from './contract-releases.ts';
import { describeRunLeases } from './contract-run-leases.ts';
import { describeServiceOwners } from './contract-service-owners.ts';

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

export function event(
  overrides: Partial<DeployEvent> & Pick<DeployEvent, 'runId' | 'seq' | 'kind'>,
): DeployEvent {
  return {
    at: T0,
    status: 'ok',
    service: 'api',
    environment: 'prod',
    version: '1.0.1',
    ...overrides,
  };
}

export function runStarted(runId: string, at: number, overrides: Partial<DeployEvent> = {}): DeployEvent {
  return event({
    runId,
    seq: 1,
    kind: 'run_started',
    status: 'started',
    at,
    data: { commit: `sha-${runId}` },
    ...overrides,
  });
}

export function runFinished(runId: string, at: number, overrides: Partial<DeployEvent> = {}): DeployEvent {
  return event({
    runId,
    seq: 2,
    kind: 'run_finished',
    status: 'ok',
    at,
    durationMs: 1500,
    reasonCode: 'all_batches_healthy',
    data: { decision: 'succeeded' },
    ...overrides,
  });
}

export function describeLedgerContract(name: string, makeLedger: () => Promise<Ledger>): void {
  describe(`${name} ledger contract`, () => {
    let ledger: Ledger;

    beforeEach(async () => {
      ledger = await makeLedger();
    });

    afterEach(async () => {
      await ledger.close();
    });

    describe('nextVersion', () => {
      it('renders the first counter of a service through the template', async () => {
        const record = await ledger.nextVersion('api', 'abc123', '2.14.{n}', T0);
        expect(record).toEqual({ service: 'api', n: 1, version: '2.14.1', commit: 'abc123', createdAt: T0 });
      });

      it('replaces every {n} in the template', async () => {
        const record = await ledger.nextVersion('api', null, 'v{n}-build{n}', T0);
        expect(record.version).toBe('v1-build1');
      });

      it('hands out consecutive counters to one service', async () => {
        const versions: string[] = [];
        for (let i = 0; i < 5; i++)
          versions.push((await ledger.nextVersion('api', null, '1.0.{n}', T0)).version);
        expect(versions).toEqual(['1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5']);
      });

      it('counts each service independently', async () => {
        await ledger.nextVersion('api', null, '{n}', T0);
        await ledger.nextVersion('api', null, '{n}', T0);
        const web = await ledger.nextVersion('web', null, '{n}', T0);
        const api = await ledger.nextVersion('api', null, '{n}', T0);
        expect(web.n).toBe(1);
        expect(api.n).toBe(3);
      });

      it('gives concurrent callers distinct, consecutive counters', async () => {
        const records = await Promise.all(
          Array.from({ length: 20 }, (_, i) => ledger.nextVersion('api', `c${i}`, '{n}', T0)),
        );
        expect(records.map((r) => r.n).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      });

      it('never hands out a label an earlier template already gave another counter', async () => {
        await ledger.nextVersion('api', 'a', '1{n}', T0);
        for (let i = 2; i <= 10; i++) await ledger.nextVersion('api', `c${i}`, '{n}', T0);
        const next = await ledger.nextVersion('api', 'b', '{n}', T0);
        expect(next).toMatchObject({ n: 12, version: '12', commit: 'b' });
        expect((await ledger.versions('api')).filter((v) => v.version === '11').map((v) => v.commit)).toEqual(
          ['a'],
        );
      });

      it('keeps a null commit as null', async () => {
        await ledger.nextVersion('api', null, '{n}', T0);
        expect((await ledger.versions('api'))[0]?.commit).toBeNull();
      });

      it('rejects a template without {n} and allocates nothing', async () => {
        await expect(ledger.nextVersion('api', null, '1.0.0', T0)).rejects.toThrow(/\{n\}/);
        expect(await ledger.versions('api')).toEqual([]);
      });
    });

    describe('versions', () => {
      it("lists a service's allocations by ascending counter with their commits", async () => {
        await ledger.nextVersion('api', 'aaa', '1.{n}', T0);
        await ledger.nextVersion('web', 'zzz', '9.{n}', T0 + 1);
        await ledger.nextVersion('api', 'bbb', '1.{n}', T0 + 2);
        expect(await ledger.versions('api')).toEqual([
          { service: 'api', n: 1, version: '1.1', commit: 'aaa', createdAt: T0 },
          { service: 'api', n: 2, version: '1.2', commit: 'bbb', createdAt: T0 + 2 },
        ]);
      });

      it('returns an empty list for a service never versioned', async () => {
        expect(await ledger.versions('nothing')).toEqual([]);
      });
    });

    describe('record and events', () => {
      it('returns an event with every field as recorded', async () => {
        const full = event({
          runId: 'r1',
          seq: 7,
          kind: 'check',
          status: 'failed',
          component: 'web',
          target: 'web-3',
          batch: 2,
          durationMs: 250,
          reasonCode: 'check_failed',
          message: 'p95 420ms > 300ms',
          data: { check: 'latency', value: 420, threshold: { max: 300 }, nested: [1, 'two', null] },
        });
        await ledger.record(full);
        expect(await ledger.events({ runId: 'r1' })).toStrictEqual([full]);
      });

      it('keeps durations in whole milliseconds, on events and on the run', async () => {
        await ledger.record(runStarted('r1', T0));
        await ledger.record(event({ runId: 'r1', seq: 2, kind: 'target_deploy', durationMs: 7.781 }));
        await ledger.record(runFinished('r1', T0 + 9, { seq: 3, durationMs: 8.5 }));
        expect((await ledger.events({ runId: 'r1', withDuration: true })).map((e) => e.durationMs)).toEqual([
          8, 9,
        ]);
        expect((await ledger.runs({}))[0]?.durationMs).toBe(9);
      });

      it('leaves out the optional fields an event did not carry', async () => {
        const bare = event({ runId: 'r1', seq: 1, kind: 'component_started', status: 'started' });
        await ledger.record(bare);
        const [stored] = await ledger.events({ runId: 'r1' });
        expect(stored).toStrictEqual(bare);
        expect(Object.keys(stored ?? {})).not.toContain('component');
      });

      it('keeps an event whose text holds a NUL character, with U+FFFD in its place', async () => {
        // A check command's output, a label or a webhook field may carry one; PostgreSQL's text cannot.
        await ledger.record(
          event({ runId: 'r1', seq: 1, kind: 'check', target: 'web\u00001', message: 'out: \u0000\u0000!' }),
        );
        const [stored] = await ledger.events({ runId: 'r1' });
        expect(stored?.target).toBe('web\ufffd1');
        expect(stored?.message).toBe('out: \ufffd\ufffd!');
      });

      it("lists one run's events in seq order", async () => {
        await ledger.record(event({ runId: 'r1', seq: 2, kind: 'component_started' }));
        await ledger.record(event({ runId: 'r2', seq: 1, kind: 'run_started' }));
        await ledger.record(event({ runId: 'r1', seq: 1, kind: 'run_started' }));
        await ledger.record(event({ runId: 'r1', seq: 3, kind: 'component_finished' }));
        const events = await ledger.events({ runId: 'r1' });
        expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
      });

      it('lists events across runs in the order they were recorded', async () => {
        await ledger.record(event({ runId: 'r2', seq: 1, kind: 'run_started' }));
        await ledger.record(event({ runId: 'r1', seq: 1, kind: 'run_started' }));
        await ledger.record(event({ runId: 'r2', seq: 2, kind: 'component_started' }));
        const events = await ledger.events({});
        expect(events.map((e) => `${e.runId}#${e.seq}`)).toEqual(['r2#1', 'r1#1', 'r2#2']);
      });

      it('filters events by service and environment', async () => {
        await ledger.record(
          event({ runId: 'a', seq: 1, kind: 'check', service: 'api', environment: 'prod' }),
        );
        await ledger.record(
          event({ runId: 'b', seq: 1, kind: 'check', service: 'api', environment: 'stage' }),
        );
        await ledger.record(
          event({ runId: 'c', seq: 1, kind: 'check', service: 'web', environment: 'prod' }),
        );
        expect((await ledger.events({ service: 'api' })).map((e) => e.runId)).toEqual(['a', 'b']);
        expect((await ledger.events({ environment: 'prod' })).map((e) => e.runId)).toEqual(['a', 'c']);
        expect((await ledger.events({ service: 'api', environment: 'prod' })).map((e) => e.runId)).toEqual([
          'a',
        ]);
      });

      it('keeps only events with a duration when withDuration is set', async () => {
        await ledger.record(event({ runId: 'r1', seq: 1, kind: 'batch_started', status: 'started' }));
        await ledger.record(event({ runId: 'r1', seq: 2, kind: 'batch_finished', durationMs: 0 }));
        await ledger.record(event({ runId: 'r1', seq: 3, kind: 'target_deploy', durationMs: 900 }));
        const timed = await ledger.events({ runId: 'r1', withDuration: true });
        expect(timed.map((e) => [e.seq, e.durationMs])).toEqual([
          [2, 0],
          [3, 900],
        ]);
        expect(await ledger.events({ runId: 'r1', withDuration: false })).toHaveLength(3);
      });

      it('rejects a second event with the same run and seq', async () => {
        await ledger.record(event({ runId: 'r1', seq: 1, kind: 'check' }));
        await expect(ledger.record(event({ runId: 'r1', seq: 1, kind: 'check' }))).rejects.toThrow();
        expect(await ledger.events({ runId: 'r1' })).toHaveLength(1);
      });

      it("lists only a run's events after a seq, at most limit of them, for following it", async () => {
        for (let seq = 1; seq <= 5; seq++) await ledger.record(event({ runId: 'r1', seq, kind: 'check' }));
        await ledger.record(event({ runId: 'r2', seq: 4, kind: 'check' }));
        const page = await ledger.events({ runId: 'r1', afterSeq: 2, limit: 2 });
        expect(page.map((e) => `${e.runId}#${e.seq}`)).toEqual(['r1#3', 'r1#4']);
        expect(await ledger.events({ runId: 'r1', afterSeq: 5 })).toEqual([]);
      });
    });

    describe('recordEvents', () => {
      /** A batch command's per-target results: one event per target, consecutive seqs. */
      const results = (runId: string, from: number, targets: number): DeployEvent[] =>
        Array.from({ length: targets }, (_, i) =>
          event({ runId, seq: from + i, kind: 'target_deploy', target: `web-${i + 1}`, batch: 2 }),
        );

      it('records every event as recorded one by one, with its seq, in the order given', async () => {
        const failed = {
          status: 'failed',
          reasonCode: 'deploy_command_failed',
          data: { exitCode: 1 },
        } as const;
        const full = event({
          runId: 'r1',
          seq: 9,
          kind: 'target_deploy',
          target: 'web-3',
          durationMs: 2.4,
          ...failed,
        });
        await ledger.record(event({ runId: 'r2', seq: 1, kind: 'run_started' }));
        await ledger.recordEvents([
          ...results('r1', 5, 4),
          full,
          event({ runId: 'r2', seq: 2, kind: 'check' }),
        ]);
        expect((await ledger.events({})).map((e) => `${e.runId}#${e.seq}`)).toEqual([
          'r2#1',
          'r1#5',
          'r1#6',
          'r1#7',
          'r1#8',
          'r1#9',
          'r2#2',
        ]);
        const r1 = await ledger.events({ runId: 'r1' });
        expect(r1.map((e) => e.target)).toEqual(['web-1', 'web-2', 'web-3', 'web-4', 'web-3']);
        expect(r1.at(-1)).toStrictEqual({ ...full, durationMs: 2 });
      });

      it('opens and closes the runs whose run_started and run_finished it carries', async () => {
        await ledger.recordEvents([
          runStarted('r1', T0, { data: { commit: 'abc' } }),
          ...results('r1', 2, 3),
          runFinished('r1', T0 + 60_000, { seq: 5, durationMs: 60_000 }),
          runStarted('r2', T0 + 1),
        ]);
        expect(
          (await ledger.runs({})).map((r) => [r.runId, r.commit, r.finishedAt, r.decision, r.durationMs]),
        ).toEqual([
          ['r2', 'sha-r2', null, null, null],
          ['r1', 'abc', T0 + 60_000, 'succeeded', 60_000],
        ]);
      });

      it('records nothing of a call whose event repeats a recorded run and seq', async () => {
        await ledger.record(event({ runId: 'r1', seq: 4, kind: 'check', message: 'first' }));
        const batch = [runStarted('r1', T0), ...results('r1', 2, 5)];
        await expect(ledger.recordEvents(batch)).rejects.toThrow();
        expect((await ledger.events({ runId: 'r1' })).map((e) => [e.seq, e.message])).toEqual([[4, 'first']]);
        expect(await ledger.runs({})).toEqual([]);
      });

      it('records nothing of a call that repeats a run and seq among its own events', async () => {
        const batch = results('r1', 1, 5);
        await expect(
          ledger.recordEvents([...batch, event({ runId: 'r1', seq: 3, kind: 'check' })]),
        ).rejects.toThrow();
        expect(await ledger.events({ runId: 'r1' })).toEqual([]);
        await ledger.recordEvents(batch);
        expect((await ledger.events({ runId: 'r1' })).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      });

      it('records a single event as record does, and no event as nothing', async () => {
        await ledger.recordEvents([]);
        await ledger.recordEvents([event({ runId: 'r1', seq: 1, kind: 'check' })]);
        await expect(ledger.recordEvents([event({ runId: 'r1', seq: 1, kind: 'check' })])).rejects.toThrow();
        await ledger.recordEvents([runStarted('r2', T0)]);
        expect((await ledger.events({})).map((e) => `${e.runId}#${e.seq}`)).toEqual(['r1#1', 'r2#1']);
        expect((await ledger.runs({})).map((r) => r.runId)).toEqual(['r2']);
      });

      it('records a batch of 5,000 targets in one call', async () => {
        await ledger.recordEvents(results('r1', 1, 5000));
        const recorded = await ledger.events({ runId: 'r1' });
        expect(recorded).toHaveLength(5000);
        expect(recorded.every((e, i) => e.seq === i + 1 && e.target === `web-${i + 1}`)).toBe(true);
      });
    });

    describe('runs', () => {
      it('opens a run on run_started with its commit and no finish yet', async () => {
        await ledger.record(
          runStarted('r1', T0, { version: '2.0.7', data: { commit: 'abc', components: ['web'] } }),
        );
        expect(await ledger.runs({})).toEqual([
          {
            runId: 'r1',
            service: 'api',
            environment: 'prod',
            version: '2.0.7',
            commit: 'abc',
            startedAt: T0,
            finishedAt: null,
            decision: null,
            reasonCode: null,
            durationMs: null,
            actor: null,
          },
        ]);
      });

      it('opens a run with a null commit when run_started carries none', async () => {
        await ledger.record(runStarted('r1', T0, { data: { commit: null } }));
        await ledger.record(runStarted('r2', T0 + 1, { data: undefined }));
        expect((await ledger.runs({})).map((r) => r.commit)).toEqual([null, null]);
      });

      it('keeps who started the run, without control characters and at most 100 characters of it', async () => {
        await ledger.record(runStarted('r1', T0, { data: { actor: 'alice' } }));
        await ledger.record(
          runStarted('r2', T0 + 1, { data: { actor: ` \u001b[31mmallory\u0007\n${'x'.repeat(200)}` } }),
        );
        await ledger.record(runStarted('r3', T0 + 2, { data: { actor: '\u0000 ' } }));
        await ledger.record(runStarted('r4', T0 + 3, { data: { actor: 42 } }));
        const actors = Object.fromEntries((await ledger.runs({})).map((r) => [r.runId, r.actor]));
        expect(actors).toEqual({
          r1: 'alice',
          r2: `[31mmallory${'x'.repeat(89)}`,
          r3: null,
          r4: null,
        });
      });

      it('closes the run on run_finished with its decision, reason code, duration and finish time', async () => {
        await ledger.record(runStarted('r1', T0));
        await ledger.record(
          runFinished('r1', T0 + 60_000, {
            status: 'failed',
            durationMs: 60_000,
            reasonCode: 'check_failed',
            data: { decision: 'rolled_back' },
          }),
        );
        const [run] = await ledger.runs({});
        expect(run).toMatchObject({
          runId: 'r1',
          startedAt: T0,
          finishedAt: T0 + 60_000,
          decision: 'rolled_back',
          reasonCode: 'check_failed',
          durationMs: 60_000,
        });
      });

      it('records both the run_started and run_finished events themselves', async () => {
        await ledger.record(runStarted('r1', T0));
        await ledger.record(runFinished('r1', T0 + 5));
        expect((await ledger.events({ runId: 'r1' })).map((e) => e.kind)).toEqual([
          'run_started',
          'run_finished',
        ]);
      });

      it('leaves a run unknown to the ledger out when only its run_finished arrives', async () => {
        await ledger.record(runFinished('ghost', T0));
        expect(await ledger.runs({})).toEqual([]);
        expect(await ledger.events({ runId: 'ghost' })).toHaveLength(1);
      });

      it('lists runs newest first', async () => {
        await ledger.record(runStarted('old', T0));
        await ledger.record(runStarted('new', T0 + 2000));
        await ledger.record(runStarted('mid', T0 + 1000));
        expect((await ledger.runs({})).map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
      });

      describe('filters', () => {
        beforeEach(async () => {
          await ledger.record(
            runStarted('api-prod-1', T0, { service: 'api', environment: 'prod', version: '1' }),
          );
          await ledger.record(
            runStarted('api-stage-2', T0 + 1, { service: 'api', environment: 'stage', version: '2' }),
          );
          await ledger.record(
            runStarted('web-prod-1', T0 + 2, { service: 'web', environment: 'prod', version: '1' }),
          );
          await ledger.record(
            runStarted('api-prod-2', T0 + 3, { service: 'api', environment: 'prod', version: '2' }),
          );
        });

        it('finds one run by its id', async () => {
          expect((await ledger.runs({ runId: 'web-prod-1' })).map((r) => r.runId)).toEqual(['web-prod-1']);
        });

        it('keeps only the runs of a service', async () => {
          expect((await ledger.runs({ service: 'api' })).map((r) => r.runId)).toEqual([
            'api-prod-2',
            'api-stage-2',
            'api-prod-1',
          ]);
        });

        it('keeps only the runs of a service in one environment', async () => {
          expect((await ledger.runs({ service: 'api', environment: 'prod' })).map((r) => r.runId)).toEqual([
            'api-prod-2',
            'api-prod-1',
          ]);
        });

        it('keeps only the runs of a version', async () => {
          expect((await ledger.runs({ version: '1' })).map((r) => r.runId)).toEqual([
            'web-prod-1',
            'api-prod-1',
          ]);
        });

        it('keeps only the runs started at or after since', async () => {
          expect((await ledger.runs({ since: T0 + 2 })).map((r) => r.runId)).toEqual([
            'api-prod-2',
            'web-prod-1',
          ]);
        });

        it('keeps only the unfinished runs, or only the finished ones', async () => {
          await ledger.record(runFinished('api-prod-1', T0 + 10));
          await ledger.record(runFinished('web-prod-1', T0 + 10));
          expect((await ledger.runs({ finished: false })).map((r) => r.runId)).toEqual([
            'api-prod-2',
            'api-stage-2',
          ]);
          expect((await ledger.runs({ finished: true })).map((r) => r.runId)).toEqual([
            'web-prod-1',
            'api-prod-1',
          ]);
        });

        it('returns at most limit runs, the newest', async () => {
          expect((await ledger.runs({ limit: 2 })).map((r) => r.runId)).toEqual(['api-prod-2', 'web-prod-1']);
        });

        it('ignores filters given as undefined', async () => {
          const all = await ledger.runs({
            service: undefined,
            environment: undefined,
            version: undefined,
            since: undefined,
            limit: undefined,
          });
          expect(all).toHaveLength(4);
        });

        it('combines every filter', async () => {
          const runs = await ledger.runs({
            service: 'api',
            environment: 'prod',
            version: '2',
            since: T0,
            limit: 5,
          });
          expect(runs.map((r) => r.runId)).toEqual(['api-prod-2']);
        });
      });
    });

    describe('target states', () => {
      it('returns no states for an environment never deployed to', async () => {
        expect(await ledger.targetStates('api', 'prod')).toEqual([]);
      });

      it('records both the version and the good version of a good update', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'web', target: 'w1', version: '1', good: true },
        ]);
        expect(await ledger.targetStates('api', 'prod')).toEqual([
          { component: 'web', target: 'w1', version: '1', goodVersion: '1', runId: 'r1' },
        ]);
      });

      it('records a first update that is not good with no good version', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'web', target: 'w1', version: '1', good: false },
        ]);
        expect(await ledger.targetStates('api', 'prod')).toEqual([
          { component: 'web', target: 'w1', version: '1', goodVersion: null, runId: 'r1' },
        ]);
      });

      it('moves the version but keeps the previous good version on an update that is not good', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'web', target: 'w1', version: '1', good: true },
        ]);
        await ledger.updateTargets('api', 'prod', 'r2', [
          { component: 'web', target: 'w1', version: '2', good: false },
        ]);
        expect(await ledger.targetStates('api', 'prod')).toEqual([
          { component: 'web', target: 'w1', version: '2', goodVersion: '1', runId: 'r2' },
        ]);
      });

      it('moves the good version once the new version is marked good', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'web', target: 'w1', version: '1', good: true },
        ]);
        await ledger.updateTargets('api', 'prod', 'r2', [
          { component: 'web', target: 'w1', version: '2', good: false },
        ]);
        await ledger.updateTargets('api', 'prod', 'r2', [
          { component: 'web', target: 'w1', version: '2', good: true },
        ]);
        expect(await ledger.targetStates('api', 'prod')).toEqual([
          { component: 'web', target: 'w1', version: '2', goodVersion: '2', runId: 'r2' },
        ]);
      });

      it('applies every update of one call, listing states by component then target', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'worker', target: 'k1', version: '1', good: true },
          { component: 'web', target: 'w2', version: '1', good: false },
          { component: 'web', target: 'w1', version: '1', good: true },
        ]);
        expect((await ledger.targetStates('api', 'prod')).map((s) => `${s.component}/${s.target}`)).toEqual([
          'web/w1',
          'web/w2',
          'worker/k1',
        ]);
      });

      it('keeps the same target name apart per component, service and environment', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', [
          { component: 'web', target: 't', version: '1', good: true },
          { component: 'worker', target: 't', version: '2', good: true },
        ]);
        await ledger.updateTargets('api', 'stage', 'r2', [
          { component: 'web', target: 't', version: '3', good: true },
        ]);
        await ledger.updateTargets('web', 'prod', 'r3', [
          { component: 'web', target: 't', version: '4', good: true },
        ]);
        expect((await ledger.targetStates('api', 'prod')).map((s) => s.version)).toEqual(['1', '2']);
        expect((await ledger.targetStates('api', 'stage')).map((s) => s.version)).toEqual(['3']);
        expect((await ledger.targetStates('web', 'prod')).map((s) => s.version)).toEqual(['4']);
      });

      it('does nothing for an empty list of updates', async () => {
        await ledger.updateTargets('api', 'prod', 'r1', []);
        expect(await ledger.targetStates('api', 'prod')).toEqual([]);
      });
    });

    describeLocks(() => ledger);
    describeReleases(() => ledger);
    describeRunLeases(() => ledger);
    describeServiceOwners(() => ledger);
    describeRedeliveries(() => ledger);
    describeExchange(() => ledger, makeLedger);
    describePrune(() => ledger);
    describeFleet(() => ledger);
  });
}
