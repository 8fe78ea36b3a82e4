/**
 * The two arms of a per-batch analysis: the canaries are the targets this run has deployed so far
 * in the component (all on the new version since the current batch's deploy finished), the
 * baselines the targets still on the previous version.
 */
import type { BaselineSpec, ComponentSpec, TargetSpec } from './ports.ts';

export interface Arms {
  canaries: TargetSpec[];
  baselines: TargetSpec[];
}

/**
 * Baselines default to the component's targets not yet deployed; `baseline.targets` names them
 * instead (targets of the component keep their labels; a name this run has deployed is no baseline
 * any more), and `baseline.labels` keeps only those carrying every label given.
 */
export function analysisArms(
  component: ComponentSpec,
  deployed: readonly TargetSpec[],
  baseline: BaselineSpec | undefined,
): Arms {
  const done = new Set(deployed.map((t) => t.name));
  const known = new Map(component.targets.map((t) => [t.name, t]));
  const candidates =
    baseline?.targets?.map((name) => known.get(name) ?? { name, labels: {} }) ?? component.targets;
  const labels = Object.entries(baseline?.labels ?? {});
  const baselines = candidates.filter(
    (t) => !done.has(t.name) && labels.every(([key, value]) => t.labels[key] === value),
  );
  return { canaries: [...deployed], baselines };
}

/** `1 canary vs 9 baselines`: how batch checks name the targets they observed. */
export function armsLabel(arms: Arms): string {
  const c = arms.canaries.length;
  const b = arms.baselines.length;
  return `${c} canar${c === 1 ? 'y' : 'ies'} vs ${b} baseline${b === 1 ? '' : 's'}`;
}

/**
 * How many of the component's batches (`batches`, in order) have baselines to compare with: each
 * spends alpha / comparisons of the check, so the rollout's false-rollback rate stays within alpha.
 */
export function comparisonsOf(
  component: ComponentSpec,
  batches: readonly (readonly TargetSpec[])[],
  baseline: BaselineSpec | undefined,
): number {
  let deployed: TargetSpec[] = [];
  let count = 0;
  for (const batch of batches) {
    deployed = [...deployed, ...batch];
    if (analysisArms(component, deployed, baseline).baselines.length > 0) count += 1;
  }
  return Math.max(1, count);
}
