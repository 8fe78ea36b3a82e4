/**
 * When an analysis check can decide, known before any deploy: the earliest look after a batch's
 * deploy at which it could fail and pass, and why a configuration can never decide. A test that
 * cannot reach 1/alpha in the bake passes every regression it was meant to catch (with
 * onInconclusive: pass), so the config refuses it (config/analysis-issues.ts) and `tranche plan`
 * shows the times.
 *
 * Looks: the engine looks every checkEvery from the end of the batch's deploy and once more at
 * the end of the bake. The sequential sign test needs minimumPairs complete steps, all one way,
 * to fail, and as many to pass; a window of t holds at least floor(t / step) − 1 complete steps
 * (the first step starts at the first multiple of the step after the deploy). The counts test
 * can decide at any look once a scrape has landed in the window; Mann-Whitney only at the end.
 */
import { comparisonsOf } from '../engine/arms.ts';
import { componentBatches } from '../engine/plan.ts';
import type { ComponentSpec, RolloutSpec } from '../engine/ports.ts';
import { minimumPairs } from '../stats/sign-test.ts';
import { type AnalysisCheckSpec, isAnalysisCheck, type SeriesMetricSpec } from './check-specs.ts';
import { promDuration } from './prometheus.ts';

export interface AnalysisHorizon {
  /** ms after the batch's deploy of the first look at which the check could fail; undefined: never. */
  earliestFailMs: number | undefined;
  /** …could pass; undefined: never. */
  earliestPassMs: number | undefined;
  /** Why the check can never decide, or cannot read what it needs; empty when it can. */
  problems: string[];
}

type Timing = Pick<RolloutSpec, 'bakeMs' | 'checkIntervalMs'>;

/** The horizon of one analysis check in a component whose rollout compares in `comparisons` batches. */
export function analysisHorizon(
  spec: AnalysisCheckSpec,
  rollout: Timing,
  comparisons: number,
): AnalysisHorizon {
  const problems = scrapeProblems(spec, rollout);
  const alpha = spec.alpha / Math.max(1, comparisons);
  const metric = spec.metric;
  if (metric.type === 'counts') {
    const first = firstLookAfter(spec.scrapeIntervalMs ?? 0, rollout);
    return { earliestFailMs: first, earliestPassMs: first, problems };
  }
  if (metric.test.kind === 'mann-whitney') {
    const end = rollout.bakeMs >= 2 * metric.stepMs ? rollout.bakeMs : undefined;
    if (end === undefined)
      problems.push(
        `the bake of ${promDuration(rollout.bakeMs)} holds no complete ${promDuration(metric.stepMs)} step for Mann-Whitney to judge`,
      );
    return { earliestFailMs: end, earliestPassMs: end, problems };
  }
  const needed = stepsNeeded(metric, alpha);
  const at = firstLookAfter((needed + 1) * metric.stepMs, rollout);
  if (at === undefined) {
    const held = Math.max(0, Math.floor(rollout.bakeMs / metric.stepMs) - 1);
    problems.push(
      `the bake of ${promDuration(rollout.bakeMs)} is sure to hold only ${held} complete ${promDuration(metric.stepMs)} steps; the sign test needs ${needed} to fail or pass at alpha ${Number(alpha.toPrecision(3))} per batch: lengthen the bake to ${promDuration((needed + 1) * metric.stepMs)} or shorten the step`,
    );
  }
  return { earliestFailMs: at, earliestPassMs: at, problems };
}

/** Steps the sign test needs, all one way, before it can fail (and as many before it can pass). */
function stepsNeeded(metric: SeriesMetricSpec, alpha: number): number {
  return minimumPairs(metric.direction === 'either' ? alpha / 2 : alpha);
}

/** The first look at or after `ms` after the deploy, or undefined when the bake ends before it. */
function firstLookAfter(ms: number, rollout: Timing): number | undefined {
  if (ms > rollout.bakeMs) return undefined;
  const every = Math.max(1, rollout.checkIntervalMs);
  return Math.min(Math.max(every, Math.ceil(ms / every) * every), rollout.bakeMs);
}

/** With a known scrape interval: the bake must hold a scrape, and a step must not be shorter. */
function scrapeProblems(spec: AnalysisCheckSpec, rollout: Timing): string[] {
  const scrape = spec.scrapeIntervalMs;
  if (scrape === undefined) return [];
  const problems: string[] = [];
  if (rollout.bakeMs < scrape)
    problems.push(
      `the bake of ${promDuration(rollout.bakeMs)} can hold no scrape (scrapeInterval ${promDuration(scrape)})`,
    );
  if (spec.metric.type === 'series' && spec.metric.stepMs < scrape)
    problems.push(
      `step ${promDuration(spec.metric.stepMs)} is shorter than the scrape interval ${promDuration(scrape)}: some steps would hold no sample`,
    );
  return problems;
}

/** The horizon of every analysis check the component runs, in its order. */
export function componentHorizons(
  component: ComponentSpec,
): { check: AnalysisCheckSpec; horizon: AnalysisHorizon }[] {
  const batches = componentBatches(component);
  return component.checks.flatMap((check) =>
    isAnalysisCheck(check)
      ? [
          {
            check,
            horizon: analysisHorizon(
              check,
              component.rollout,
              comparisonsOf(component, batches, check.baseline),
            ),
          },
        ]
      : [],
  );
}
