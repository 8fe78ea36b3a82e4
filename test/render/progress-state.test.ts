import { describe, expect, it } from 'vitest';
import { bakeRemainingMs, initialProgress, reduce, reduceAll } from '../../src/render/progress-state.ts';
import { ev, shortRun, T0 } from './fixtures.ts';

/** The state after the first n events of the short run. */
const stateAfter = (n: number) => reduceAll(shortRun().slice(0, n));

describe('progress reducer', () => {
  describe('at the start', () => {
    it('takes the run identity, previous version and components from run_started', () => {
      expect(stateAfter(1)).toMatchObject({
        service: 'metrics-store',
        environment: 'production',
        version: '2.14.7',
        previousVersion: '2.14.6',
        components: ['app'],
        startedAt: T0,
        now: T0,
      });
    });

    it('lists a new batch with its number, count and every target waiting', () => {
      expect(stateAfter(3)).toMatchObject({
        component: 'app',
        batch: { number: 1, of: 2, status: 'running' },
        targets: [{ name: 'app-1', phase: 'waiting' }],
      });
    });
  });

  describe('during a batch', () => {
    it('marks a target deploying, then deployed', () => {
      expect(stateAfter(4).targets).toEqual([{ name: 'app-1', phase: 'deploying' }]);
      expect(stateAfter(5).targets).toEqual([{ name: 'app-1', phase: 'deployed' }]);
    });

    it('keeps the last value of each check and marks the target healthy', () => {
      const state = stateAfter(8);
      expect(state.checks).toEqual([
        {
          check: 'health',
          target: 'app-1',
          status: 'pass',
          value: 15,
          unit: 'ms',
          max: 300,
          min: undefined,
          slow: false,
          metric: 'p95',
        },
      ]);
      expect(state.targets).toEqual([{ name: 'app-1', phase: 'healthy' }]);
    });

    it('counts the bake down from bake_started.at + bakeMs against the latest event time', () => {
      expect(bakeRemainingMs(stateAfter(7))).toBe(30_000);
      expect(bakeRemainingMs(stateAfter(8))).toBe(20_000);
      expect(bakeRemainingMs(stateAfter(9))).toBeUndefined();
    });

    it('never counts the bake below zero', () => {
      const late = reduce(
        stateAfter(7),
        ev(99, 40_000, { kind: 'check', status: 'ok', component: 'app', target: 'app-1' }),
      );
      expect(bakeRemainingMs(late)).toBe(0);
    });

    it('marks a failed check unhealthy and remembers its message', () => {
      const state = stateAfter(14);
      expect(state.targets).toEqual([{ name: 'app-2', phase: 'unhealthy' }]);
      expect(state.checks[0]).toMatchObject({ target: 'app-2', status: 'fail', value: 412 });
      expect(state.lastFailure).toBe('p95 412 ms is above 300 ms');
    });

    it('closes the batch as failed', () => {
      expect(stateAfter(15).batch).toEqual({ number: 2, of: 2, status: 'failed' });
    });
  });

  describe('during a rollback', () => {
    it('counts targets done and failed, with from and to versions', () => {
      const state = stateAfter(21);
      expect(state.rollback).toEqual({
        total: 2,
        done: 2,
        failed: 1,
        skipped: 0,
        finished: false,
        targets: [
          { name: 'app-2', component: 'app', phase: 'rolled_back', from: '2.14.7', to: '2.14.6' },
          { name: 'app-1', component: 'app', phase: 'rollback_failed', from: '2.14.7', to: '2.14.6' },
        ],
      });
    });

    it('counts a skipped target as done and skipped', () => {
      const state = reduce(
        stateAfter(17),
        ev(30, 32_100, {
          kind: 'target_rollback',
          status: 'skipped',
          component: 'app',
          target: 'app-2',
          data: { from: '2.14.7', to: null },
        }),
      );
      expect(state.rollback).toMatchObject({ done: 1, skipped: 1, failed: 0 });
      expect(state.rollback?.targets[0]).toMatchObject({ phase: 'rollback_skipped', to: null });
    });
  });

  describe('at the end', () => {
    it('records the decision, reason, message and duration of run_finished', () => {
      expect(reduceAll(shortRun()).finished).toEqual({
        ok: false,
        decision: 'rolled_back',
        reasonCode: 'check_failed',
        message: 'check health on app-2: p95 412 ms is above 300 ms; 1 target(s) could not be rolled back',
        durationMs: 33_020,
      });
    });
  });

  describe('purity', () => {
    it('never changes the state it is given', () => {
      const before = stateAfter(5);
      const snapshot = structuredClone(before);
      const next = shortRun()[5];
      if (!next) throw new Error('the short run has a sixth event');
      reduce(before, next);
      expect(before).toEqual(snapshot);
      expect(initialProgress()).toEqual(initialProgress());
    });
  });
});
