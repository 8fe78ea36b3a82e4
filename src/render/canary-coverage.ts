/**
 * Canary coverage in words, for every plan that shows it (`tranche plan`, the Markdown plan, the
 * bot's deploy reply): how many canaries beside the lower bound and what they must cover, then
 * what the fleet's labels leave out.
 */
import type { CanarySelection } from '../engine/categories.ts';

/** `canaries (all over cloud, browser): 4, lower bound 4, covering 4 combination(s)`. */
export function canaryHeadline(selection: CanarySelection): string {
  const { canaries, coverage, labels } = selection;
  const covered = coverage === 'all' ? 'combination(s)' : 'value(s) and pair(s)';
  return `canaries (${coverage} over ${labels.join(', ')}): ${canaries.length}, lower bound ${selection.lowerBound}, covering ${selection.required} ${covered}`;
}

/** Declared values no target carries, values no declaration lists, and targets without a label. */
export function canaryNotes(selection: CanarySelection): string[] {
  return [
    ...selection.missing.map((m) => `declared but carried by no target: ${m.label}=${m.value}`),
    ...selection.undeclared.map((u) => `carried but not declared: ${u.label}=${u.value}`),
    ...selection.unlabelled.map(
      (u) =>
        `without ${u.label} (counted as unset): ${u.targets.length} target(s), e.g. ${u.targets.slice(0, 3).join(', ')}`,
    ),
  ];
}
