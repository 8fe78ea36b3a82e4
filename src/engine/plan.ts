import { type CanarySelection, hasCategoryLabels, selectCanaries } from './categories.ts';
import type { ComponentSpec, RolloutSpec, TargetSpec } from './ports.ts';

/**
 * Batch sizes for n targets: the first batch, then each later one the previous times growth
 * (rounded up), capped at maxBatch; the last batch takes what is left.
 * 10 targets, first 1, growth 2 → [1, 2, 4, 3].
 */
export function batchSizes(n: number, rollout: Pick<RolloutSpec, 'first' | 'growth' | 'maxBatch'>): number[] {
  const cap = rollout.maxBatch ?? Number.POSITIVE_INFINITY;
  const sizes: number[] = [];
  let size = Math.max(1, Math.min(rollout.first, cap));
  for (let left = n; left > 0; ) {
    const take = Math.min(size, left);
    sizes.push(take);
    left -= take;
    size = Math.min(cap, Math.ceil(size * rollout.growth));
  }
  return sizes;
}

export function planBatches<T>(targets: readonly T[], rollout: RolloutSpec): T[][] {
  const batches: T[][] = [];
  let offset = 0;
  for (const size of batchSizes(targets.length, rollout)) {
    batches.push(targets.slice(offset, offset + size));
    offset += size;
  }
  return batches;
}

/** A component's canaries, when it has categories and its targets carry their labels. */
export function componentCanaries(component: ComponentSpec): CanarySelection | undefined {
  const { categories } = component;
  if (!categories || !hasCategoryLabels(component.targets, categories)) return undefined;
  return selectCanaries(component.targets, categories);
}

/**
 * A component's batches: with canaries, they are the first batch (in config order, whatever
 * `first` says and uncapped, so every category meets the version together) and the other targets
 * follow in batches growing from its size (4 canaries, growth 2 → 4, 8, 16, …, capped by
 * maxBatch); without, planBatches.
 */
export function componentBatches(
  component: ComponentSpec,
  canaries = componentCanaries(component),
): TargetSpec[][] {
  if (!canaries) return planBatches(component.targets, component.rollout);
  const chosen = new Set(canaries.canaries.map((c) => c.target));
  const first = component.targets.filter((t) => chosen.has(t.name));
  const rest = component.targets.filter((t) => !chosen.has(t.name));
  const growing = { ...component.rollout, first: Math.ceil(first.length * component.rollout.growth) };
  return [first, ...planBatches(rest, growing)];
}

export interface PlannedBatch {
  targets: string[];
  bakeSeconds: number;
}

export interface PlannedComponent {
  name: string;
  batches: PlannedBatch[];
  /** The canaries of its first batch and what they cover; only for a component with categories. */
  canaries?: CanarySelection | undefined;
}

export interface ReleasePlan {
  service: string;
  environment: string;
  components: PlannedComponent[];
}

/** What a deploy would do, without running anything (`tranche plan`). */
export function planRelease(service: string, environment: string, components: ComponentSpec[]): ReleasePlan {
  return {
    service,
    environment,
    components: components.map((component) => {
      const canaries = componentCanaries(component);
      const planned: PlannedComponent = {
        name: component.name,
        batches: componentBatches(component, canaries).map((batch: TargetSpec[]) => ({
          targets: batch.map((target) => target.name),
          bakeSeconds: component.rollout.bakeMs / 1000,
        })),
      };
      if (canaries) planned.canaries = canaries;
      return planned;
    }),
  };
}
