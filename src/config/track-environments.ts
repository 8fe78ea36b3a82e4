/**
 * Which environments each release track has: the ones it lists, or the ones its categories
 * choose by environment labels — with the same chooser that picks a component's canary targets
 * (engine/categories.ts), so `coverage: all` takes one environment per combination present and
 * `coverage: pairwise` a greedy cover of every value pair.
 *
 * A track with categories chooses among its listed environments if it lists any, else among
 * every environment (in config order) that no earlier track has; with a `targets` selector,
 * only among environments holding a target that carries it. Deterministic: the same config
 * always gives the same tracks, so `tranche plan`, `tranche tracks` and the bot agree.
 */
import type { z } from 'zod';
import {
  type CanarySelection,
  type CategorySpec,
  hasCategoryLabels,
  type Labelled,
  selectCanaries,
} from '../engine/categories.ts';
import { selectorText } from './fleet-checks.ts';
import { listedTargets, type UnreadInventory } from './targets.ts';

type Ctx = z.RefinementCtx;

/**
 * What choosing tracks' environments reads of tranche.yml: the parsed config (schema.ts, which
 * runs trackChoiceIssues, so the shape is written here rather than imported from there).
 */
export interface TrackChoiceConfig {
  environments: Record<
    string,
    { labels: Record<string, string>; components: { targets: Labelled[] | UnreadInventory }[] }
  >;
  tracks?: TrackChoice[] | undefined;
}

/** A track as the choice reads it. */
export interface TrackChoice {
  name: string;
  environments?: string[] | undefined;
  categories?: CategorySpec | undefined;
  targets?: Record<string, string> | undefined;
}

export interface TrackEnvironments {
  track: string;
  environments: string[];
  /** How categories chose the environments (undefined for a track that only lists them). */
  selection?: CanarySelection | undefined;
  /** Why categories chose nothing: a configuration error, reported by validation. */
  problem?: string | undefined;
}

/** Every track's environments, in track order (a track's choice depends on the earlier ones). */
export function trackEnvironments(config: TrackChoiceConfig): TrackEnvironments[] {
  const earlier = new Set<string>();
  return (config.tracks ?? []).map((track) => {
    const chosen = chooseEnvironments(config, track, earlier);
    for (const environment of chosen.environments) earlier.add(environment);
    return chosen;
  });
}

function chooseEnvironments(
  config: TrackChoiceConfig,
  track: TrackChoice,
  earlier: ReadonlySet<string>,
): TrackEnvironments {
  const listed = track.environments;
  if (track.categories === undefined) return { track: track.name, environments: [...(listed ?? [])] };
  const spec = {
    labels: [...track.categories.labels],
    coverage: track.categories.coverage,
    values: track.categories.values,
  };
  const among = (listed ?? Object.keys(config.environments).filter((e) => !earlier.has(e))).filter(
    (environment) =>
      track.targets === undefined ||
      readsInventory(config, environment) ||
      matchingTargets(config, environment, track.targets).length > 0,
  );
  const items: Labelled[] = among.map((name) => ({ name, labels: environmentLabels(config, name) }));
  if (items.length === 0) {
    const none = listed ? 'none of the listed environments' : 'no environment outside the earlier tracks';
    const why = track.targets
      ? `holds a target carrying ${selectorText(track.targets)}`
      : 'is left to choose from';
    return { track: track.name, environments: [], problem: `${none} ${why}` };
  }
  if (!hasCategoryLabels(items, spec)) {
    return {
      track: track.name,
      environments: [],
      problem: `no environment among ${among.join(', ')} carries ${spec.labels.join(' or ')} (set them under environments.<name>.labels)`,
    };
  }
  const selection = selectCanaries(items, spec);
  return { track: track.name, environments: selection.canaries.map((c) => c.target), selection };
}

/**
 * A track whose categories choose no environment is an error at its categories. Runs on the
 * parsed config only (the choice needs it whole), after every other rule has passed.
 */
export function trackChoiceIssues(config: TrackChoiceConfig, ctx: Ctx): void {
  trackEnvironments(config).forEach((choice, index) => {
    if (choice.problem === undefined) return;
    ctx.addIssue({ code: 'custom', path: ['tracks', index, 'categories'], message: choice.problem });
  });
}

/** An environment's labels; {} for one the config does not define (validation reports it). */
function environmentLabels(config: TrackChoiceConfig, environment: string): Record<string, string> {
  return { ...(environmentOf(config, environment)?.labels ?? {}) };
}

/** Names of the environment's targets (of any component) carrying every label of the selector. */
export function matchingTargets(
  config: TrackChoiceConfig,
  environment: string,
  selector: Record<string, string>,
): string[] {
  const targets = (environmentOf(config, environment)?.components ?? [])
    .flatMap((c) => listedTargets(c.targets))
    .filter((t) =>
      Object.entries(selector).every(([k, v]) => Object.hasOwn(t.labels, k) && t.labels[k] === v),
    )
    .map((t) => t.name);
  return [...new Set(targets)];
}

/** Whether a component of the environment takes its targets from an inventory not read yet. */
function readsInventory(config: TrackChoiceConfig, environment: string): boolean {
  return (environmentOf(config, environment)?.components ?? []).some((c) => !Array.isArray(c.targets));
}

function environmentOf(config: TrackChoiceConfig, environment: string) {
  return Object.hasOwn(config.environments, environment) ? config.environments[environment] : undefined;
}
