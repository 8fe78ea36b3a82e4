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

export interface PlannedBatch {
  targets: string[];
  bakeSeconds: number;
}

export interface PlannedComponent {
  name: string;
  batches: PlannedBatch[];
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
    components: components.map((component) => ({
      name: component.name,
      batches: planBatches(component.targets, component.rollout).map((batch: TargetSpec[]) => ({
        targets: batch.map((target) => target.name),
        bakeSeconds: component.rollout.bakeMs / 1000,
      })),
    })),
  };
}
