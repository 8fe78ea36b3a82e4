/**
 * Canary coverage in words, for every plan that shows it (`tranche plan`, the Markdown plan, the
 * bot's deploy reply, and for tracks that choose their environments `tranche tracks`): how many
 * canaries beside the lower bound and what they must cover, then what the fleet's labels leave out.
 */
import type { CanarySelection } from '../engine/categories.ts';

/** `canaries (all over cloud, browser): 4, lower bound 4, covering 4 combination(s)`; `what` names the canaries. */
export function canaryHeadline(selection: CanarySelection, what = 'canaries'): string {
  const { canaries, coverage, labels } = selection;
  const covered = coverage === 'all' ? 'combination(s)' : 'value(s) and pair(s)';
  return `${what} (${coverage} over ${labels.join(', ')}): ${canaries.length}, lower bound ${selection.lowerBound}, covering ${selection.required} ${covered}`;
}

/** Declared values no target (or environment) carries, values no declaration lists, and those without a label. */
export function canaryNotes(
  selection: CanarySelection,
  subject: 'target' | 'environment' = 'target',
): string[] {
  return [
    ...selection.missing.map((m) => `declared but carried by no ${subject}: ${m.label}=${m.value}`),
    ...selection.undeclared.map((u) => `carried but not declared: ${u.label}=${u.value}`),
    ...selection.unlabelled.map(
      (u) =>
        `without ${u.label} (counted as unset): ${u.targets.length} ${subject}(s), e.g. ${u.targets.slice(0, 3).join(', ')}`,
    ),
  ];
}

/**
 * A track whose categories chose its environments: the chosen ones, the count beside the lower
 * bound, what each environment covers, and what the environments' labels leave out.
 */
export function trackCoverageLines(track: string, selection: CanarySelection): string[] {
  return [
    `track ${track}: ${selection.canaries.map((c) => c.target).join(', ')}`,
    `  ${canaryHeadline(selection, 'canary environments')}`,
    ...selection.canaries.map((c) => `    ${c.target}: ${c.covers.join('; ')}`),
    ...canaryNotes(selection, 'environment').map((note) => `  ${note}`),
  ];
}
