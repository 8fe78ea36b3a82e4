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
      parallel: rollout.rollbackParallel,
      bakeMs: 0,
    },
  };
}
