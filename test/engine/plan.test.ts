import { describe, expect, it } from 'vitest';
import { batchSizes, planBatches, planRelease } from '../../src/engine/plan.ts';
import { component, rollout } from '../support/fakes.ts';

describe('batch planning', () => {
  describe('with the defaults (first 1, growth 2)', () => {
    it('plans 10 targets as 1, 2, 4, 3', () => {
      expect(batchSizes(10, { first: 1, growth: 2 })).toEqual([1, 2, 4, 3]);
    });

    it('plans one target as a single batch', () => {
      expect(batchSizes(1, { first: 1, growth: 2 })).toEqual([1]);
    });

    it('plans no batch for no targets', () => {
      expect(batchSizes(0, { first: 1, growth: 2 })).toEqual([]);
    });
  });

  describe('with a cap', () => {
    it('never plans a batch larger than maxBatch', () => {
      expect(batchSizes(40, { first: 1, growth: 2, maxBatch: 8 })).toEqual([1, 2, 4, 8, 8, 8, 8, 1]);
    });
  });

  describe('with a fractional growth', () => {
    it('rounds each batch up so batches always grow', () => {
      expect(batchSizes(20, { first: 1, growth: 1.5 })).toEqual([1, 2, 3, 5, 8, 1]);
    });
  });

  describe('with growth 1', () => {
    it('keeps every batch the size of the first', () => {
      expect(batchSizes(7, { first: 3, growth: 1 })).toEqual([3, 3, 1]);
    });
  });

  describe('with a first batch larger than the fleet', () => {
    it('deploys the whole fleet at once', () => {
      expect(batchSizes(3, { first: 5, growth: 2 })).toEqual([3]);
    });
  });

  it('assigns every target to exactly one batch, in order', () => {
    const targets = Array.from({ length: 1000 }, (_, i) => i);
    const batches = planBatches(targets, rollout({ first: 1, growth: 3, maxBatch: 100 }));
    expect(batches.flat()).toEqual(targets);
  });
});

describe('planRelease', () => {
  it('lists each component with its batches and bake in seconds', () => {
    const plan = planRelease('metrics-store', 'production', [
      component({ name: 'app', targets: 3, rollout: { bakeMs: 30_000 } }),
      component({ name: 'db', targets: 1 }),
    ]);
    expect(plan).toEqual({
      service: 'metrics-store',
      environment: 'production',
      components: [
        {
          name: 'app',
          batches: [
            { targets: ['app-1'], bakeSeconds: 30 },
            { targets: ['app-2', 'app-3'], bakeSeconds: 30 },
          ],
        },
        { name: 'db', batches: [{ targets: ['db-1'], bakeSeconds: 0 }] },
      ],
    });
  });
});
