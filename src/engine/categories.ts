/**
 * Canary categories: which targets a component's first batch must hold so that every kind of
 * target the fleet has meets a new version early (seed 003: "a canary in each combination of
 * backend and frontend").
 *
 * A target's category is the tuple of its values for the configured labels (a label it lacks is
 * "unset"). Two coverages:
 *
 * - `all`: one canary per distinct combination present in the fleet. That is also the smallest
 *   set that covers them (each target has exactly one combination), so its lower bound is its size.
 * - `pairwise`: every pair of label values that occur together on some target, and every value
 *   on its own, is carried by at least one canary. Choosing the fewest targets is set cover
 *   (NP-hard), so the selection is greedy: repeatedly the target covering the most still-uncovered
 *   values and pairs, ties to the earliest target in the config; greedy is within a factor
 *   H(k) ≤ 1 + ln k of the optimum for sets of at most k elements (Johnson 1974; Chvátal 1979,
 *   "A greedy heuristic for the set-covering problem"). The lower bound shown beside it is the
 *   largest number of distinct value pairs of one pair of labels (one target carries one pair of
 *   each), or of distinct values of one label: no cover can be smaller.
 *
 * The items need only a name and labels: the same chooser picks a track's canary environments
 * by their environment labels (config/track-environments.ts).
 *
 * Pure and deterministic: the same targets and spec always choose the same canaries.
 */

/** What canaries are chosen among: targets, or environments. */
export interface Labelled {
  name: string;
  labels: Record<string, string>;
}

export const COVERAGES = ['all', 'pairwise'] as const;
export type Coverage = (typeof COVERAGES)[number];

export interface CategorySpec {
  /** The label names that make a category, e.g. ['cloud', 'browser']. */
  labels: string[];
  coverage: Coverage;
  /** Values declared per label, so values no target carries can be reported. */
  values?: Record<string, string[]> | undefined;
}

export interface CanaryPick {
  /** The chosen target's name (an environment's, when environments are chosen). */
  target: string;
  /** The target's values of the category labels (labels it lacks are left out). */
  labels: Record<string, string>;
  /** What it covers: its combination (`all`), or its value pairs (`pairwise`), e.g. `cloud=aws × browser=chrome`. */
  covers: string[];
}

export interface LabelValue {
  label: string;
  value: string;
}

export interface CanarySelection {
  labels: string[];
  coverage: Coverage;
  /** In the order they were chosen. */
  canaries: CanaryPick[];
  /** How many combinations (`all`) or values and pairs (`pairwise`) the fleet has to cover. */
  required: number;
  /** No set of canaries covering them all is smaller than this. */
  lowerBound: number;
  /** Declared values that no target carries. */
  missing: LabelValue[];
  /** Values targets carry that the label's declared values do not list. */
  undeclared: LabelValue[];
  /** Per label, the targets that lack it (they count as "unset" for that label). */
  unlabelled: { label: string; targets: string[] }[];
}

/** A distinct category: its first target in config order, and the elements (ids) it covers. */
interface Candidate {
  index: number;
  target: Labelled;
  elements: number[];
}

/** Chooses the canaries of `targets` (in config order) for the spec. */
export function selectCanaries(targets: readonly Labelled[], spec: CategorySpec): CanarySelection {
  if (spec.labels.length === 0) throw new RangeError('a category needs at least one label');
  const universe = new Universe();
  const candidates = distinctCandidates(targets, spec, universe);
  const chosen =
    spec.coverage === 'all' ? candidates : greedyCover(candidates, universe.size, (c) => c.elements);
  return {
    labels: [...spec.labels],
    coverage: spec.coverage,
    canaries: chosen.map((c) => ({
      target: c.target.name,
      labels: categoryLabels(c.target, spec.labels),
      covers: describeCovers(c, universe),
    })),
    required: universe.size,
    lowerBound: spec.coverage === 'all' ? candidates.length : pairwiseLowerBound(targets, spec.labels),
    ...declaredValueReport(targets, spec),
  };
}

/** Whether any target carries one of the category labels: without, a component plans as usual. */
export function hasCategoryLabels(targets: readonly Labelled[], spec: CategorySpec): boolean {
  return targets.some((t) => spec.labels.some((label) => Object.hasOwn(t.labels, label)));
}

/** Element names as ids: a combination, a value or a pair. */
class Universe {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.names.length;
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

function labelOf(target: Labelled, label: string): string | undefined {
  return Object.hasOwn(target.labels, label) ? target.labels[label] : undefined;
}

function categoryLabels(target: Labelled, labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of labels) {
    const value = labelOf(target, label);
    if (value !== undefined) out[label] = value;
  }
  return out;
}

/** `cloud=aws`; `browser unset` for a label the target lacks. */
function term(label: string, value: string | undefined): string {
  return value === undefined ? `${label} unset` : `${label}=${value}`;
}

/** The elements one target covers, by name: its combination, or its values and pairs. */
function elementNames(target: Labelled, spec: CategorySpec): string[] {
  const values = spec.labels.map((label) => labelOf(target, label));
  if (spec.coverage === 'all') return [spec.labels.map((label, i) => term(label, values[i])).join(', ')];
  const names: string[] = [];
  spec.labels.forEach((label, i) => {
    if (values[i] !== undefined) names.push(term(label, values[i]));
  });
  for (let i = 0; i < spec.labels.length; i++) {
    for (let j = i + 1; j < spec.labels.length; j++) {
      if (values[i] === undefined || values[j] === undefined) continue;
      names.push(
        `${term(spec.labels[i] as string, values[i])} × ${term(spec.labels[j] as string, values[j])}`,
      );
    }
  }
  return names;
}

/** One candidate per distinct category, represented by its first target in config order. */
function distinctCandidates(
  targets: readonly Labelled[],
  spec: CategorySpec,
  universe: Universe,
): Candidate[] {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  targets.forEach((target, index) => {
    const key = JSON.stringify(spec.labels.map((label) => labelOf(target, label) ?? null));
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ index, target, elements: elementNames(target, spec).map((n) => universe.id(n)) });
  });
  return candidates;
}

/**
 * Greedy set cover over element ids 0…size−1: the candidate with the most uncovered elements
 * each round, ties to the earliest; stops when nothing is left to cover. Exported for tests.
 */
export function greedyCover<T>(candidates: readonly T[], size: number, elementsOf: (c: T) => number[]): T[] {
  const covered = new Uint8Array(size);
  const taken = new Uint8Array(candidates.length);
  const chosen: T[] = [];
  for (let left = size; left > 0; ) {
    let best = -1;
    let bestGain = 0;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      let gain = 0;
      for (const e of elementsOf(candidates[i] as T)) if (!covered[e]) gain++;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const pick = candidates[best] as T;
    for (const e of elementsOf(pick)) covered[e] = 1;
    chosen.push(pick);
    left -= bestGain;
  }
  return chosen;
}

function describeCovers(candidate: Candidate, universe: Universe): string[] {
  const names = candidate.elements.map((e) => universe.names[e] as string);
  const pairs = names.filter((n) => n.includes(' × '));
  return pairs.length > 0 ? pairs : names;
}

/** The most distinct values of one label, or value pairs of two labels, any one target set can need. */
function pairwiseLowerBound(targets: readonly Labelled[], labels: string[]): number {
  let bound = 0;
  for (let i = 0; i < labels.length; i++) {
    const single = new Set<string>();
    for (const t of targets) {
      const v = labelOf(t, labels[i] as string);
      if (v !== undefined) single.add(v);
    }
    bound = Math.max(bound, single.size);
    for (let j = i + 1; j < labels.length; j++) {
      const pairs = new Set<string>();
      for (const t of targets) {
        const a = labelOf(t, labels[i] as string);
        const b = labelOf(t, labels[j] as string);
        if (a !== undefined && b !== undefined) pairs.add(JSON.stringify([a, b]));
      }
      bound = Math.max(bound, pairs.size);
    }
  }
  return bound;
}

function declaredValueReport(
  targets: readonly Labelled[],
  spec: CategorySpec,
): Pick<CanarySelection, 'missing' | 'undeclared' | 'unlabelled'> {
  const missing: LabelValue[] = [];
  const undeclared: LabelValue[] = [];
  const unlabelled: CanarySelection['unlabelled'] = [];
  for (const label of spec.labels) {
    const carried = new Set<string>();
    const lacking: string[] = [];
    for (const t of targets) {
      const v = labelOf(t, label);
      if (v === undefined) lacking.push(t.name);
      else carried.add(v);
    }
    if (lacking.length > 0) unlabelled.push({ label, targets: lacking });
    const declared = spec.values && Object.hasOwn(spec.values, label) ? spec.values[label] : undefined;
    if (!declared) continue;
    for (const value of declared) if (!carried.has(value)) missing.push({ label, value });
    const known = new Set(declared);
    for (const value of carried) if (!known.has(value)) undeclared.push({ label, value });
  }
  return { missing, undeclared, unlabelled };
}
