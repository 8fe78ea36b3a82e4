import type { ComponentSpec } from '../engine/ports.ts';

/** A rollback is instant: one batch of every target (no canaries first), no bake, rollbackParallel at once. */
export function allAtOnce(component: ComponentSpec): ComponentSpec {
  const { rollout } = component;
  return {
    ...component,
    categories: undefined,
    rollout: {
      ...rollout,
      first: Math.max(1, component.targets.length),
      growth: 1,
      // No cap either: a rollback halts at its first failure, so a second batch might never run.
      maxBatch: undefined,
      parallel: rollout.rollbackParallel,
      bakeMs: 0,
    },
  };
}
