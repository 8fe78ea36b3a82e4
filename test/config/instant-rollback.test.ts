import { describe, expect, it } from 'vitest';
import { allAtOnce } from '../../src/config/instant-rollback.ts';
import { planBatches } from '../../src/engine/plan.ts';
import { component } from '../support/fakes.ts';

describe('allAtOnce (the rollout of a rollback)', () => {
  const app = component({
    name: 'app',
    targets: 10,
    rollout: { first: 1, growth: 2, maxBatch: 4, parallel: 2, bakeMs: 30_000, rollbackParallel: 8 },
  });

  it('puts every target in one batch, even when the component caps its batches', () => {
    const instant = allAtOnce(app);
    expect(planBatches(instant.targets, instant.rollout).map((b) => b.length)).toEqual([10]);
  });

  it('has no bake and rolls back rollbackParallel targets at once', () => {
    expect(allAtOnce(app).rollout).toMatchObject({ bakeMs: 0, parallel: 8, growth: 1 });
  });
});
