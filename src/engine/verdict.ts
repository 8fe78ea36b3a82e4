/**
 * Fleet-wide verdicts (seed 003: "How many job failures are enough to consider the new version
 * broken? If a version is declared broken, should that automatically apply across the fleet?").
 *
 * Outcomes (a job or a deploy that succeeded or failed, wherever it ran) are the observations.
 * Per version, its failure rate is compared with its baseline's (the previous good version) by
 * the anytime-valid rate-ratio test, per environment and combined (stats/stratified-rate-ratio.ts),
 * followed outcome by outcome:
 *
 * - `bad`: the combined e-value reached 1/alpha once the version had `minSamples` outcomes. A
 *   version no worse than its baseline anywhere is called bad with probability at most alpha,
 *   however often the verdict is recomputed as outcomes arrive. The e-value is looked at after
 *   each of the version's failures and on a fixed schedule of its outcome counts (isLook), and
 *   the test stops at the first crossing: a bad verdict stays bad whatever
 *   arrives later (the guarantee is about that first crossing; waiting for the e-value to fall
 *   again would be peeking the other way). Only an override (`mark-good`) undoes it.
 * - `good`: the upper confidence bounds of the ratio in every compared environment are below
 *   `minEffect`: a regression worth catching is ruled out.
 * - `pending`: not enough outcomes, no baseline, or not enough evidence either way yet.
 *
 * An override (`mark-bad`, `mark-good`) is recorded beside the computed verdicts, never in their
 * place; the latest override stands until another one (see effectiveVerdict). Pure: the ledger
 * glue is release/fleet-verdicts.ts.
 */

import { reportedE } from '../stats/decision.ts';
import { type ArmCounts, rateRatioLogE } from '../stats/rate-ratio.ts';
import {
  type StratumCounts,
  type StratumResult,
  stratifiedRateRatio,
} from '../stats/stratified-rate-ratio.ts';

export const VERDICTS = ['bad', 'good', 'pending'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_REASONS = [
  'failure_rate_higher',
  'regression_ruled_out',
  'too_few_samples',
  'no_baseline',
  'inconclusive',
  'marked_bad',
  'marked_good',
] as const;
export type VerdictReason = (typeof VERDICT_REASONS)[number];

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const STRATA = ['environment', 'none'] as const;
export type Strata = (typeof STRATA)[number];

/** What a bad verdict rolls back. */
export const ROLLBACK_POLICIES = ['all', 'failing', 'none'] as const;
export type RollbackPolicy = (typeof ROLLBACK_POLICIES)[number];

export interface VerdictSettings {
  alpha: number;
  minSamples: number;
  minEffect: number;
  strata: Strata;
}

export interface OutcomeObservation {
  version: string;
  environment: string;
  outcome: Outcome;
}

export interface EnvironmentCounts {
  environment: string;
  version: ArmCounts;
  baseline: ArmCounts;
}

export interface VerdictEvidence {
  version: string;
  baseline: string | null;
  alpha: number;
  /** 1/alpha: the e-value a bad verdict needs. */
  threshold: number;
  minEffect: number;
  minSamples: number;
  strata: Strata;
  /** The version's outcomes, and how many failed. */
  samples: number;
  failures: number;
  baselineSamples: number;
  baselineFailures: number;
  rate: number;
  baselineRate: number;
  /** Mantel-Haenszel ratio of the failure rates over the compared strata. */
  ratio: number;
  /** Largest upper confidence bound of the ratio over the compared strata. */
  upper: number;
  eValue: number;
  /** The version's outcome count when the e-value first reached the threshold; null if it has not. */
  decidedAtSample: number | null;
  /** Per environment, whatever `strata` says: what the rollback policy reads. */
  environments: EnvironmentCounts[];
  /** The comparison per stratum (per environment, or one `all`). */
  comparison: StratumResult[];
  /** The combined e-value as the version's outcomes arrived, for the plot. */
  trajectory: { samples: number; eValue: number }[];
}

export interface ComputedVerdict {
  version: string;
  verdict: Verdict;
  reasonCode: VerdictReason;
  /** One line for people. */
  message: string;
  evidence: VerdictEvidence;
}

/** Points of the trajectory at most; the e-value is also looked at in between, once per point. */
export const TRAJECTORY_POINTS = 60;

/** A bad verdict reached before, against the same baseline: the test stopped there. */
export interface EarlierDecision {
  baseline: string;
  decidedAtSample: number;
}

/**
 * The verdict on `version` against `baseline` from outcomes in the order they happened
 * (outcomes of other versions are ignored). `decided`: a bad verdict recorded before; against the
 * same baseline it stands even when the outcomes now seen (one reported late, with an earlier
 * time) no longer cross.
 */
export function computeVerdict(
  version: string,
  baseline: string | null,
  outcomes: readonly OutcomeObservation[],
  settings: VerdictSettings,
  decided?: EarlierDecision,
): ComputedVerdict {
  const walk = follow(version, baseline, outcomes, settings);
  if (walk.decidedAtSample === null && decided && decided.baseline === baseline) {
    walk.decidedAtSample = decided.decidedAtSample;
  }
  const final = stratifiedRateRatio(walk.strata, settings);
  const evidence = summarise(version, baseline, walk, final, settings);
  const [verdict, reasonCode] = judge(evidence, final.strata, baseline);
  return { version, verdict, reasonCode, message: verdictMessage(evidence, reasonCode), evidence };
}

interface Walk {
  strata: { stratum: string; version: ArmCounts; baseline: ArmCounts }[];
  environments: EnvironmentCounts[];
  trajectory: { samples: number; eValue: number }[];
  decidedAtSample: number | null;
}

function follow(
  version: string,
  baseline: string | null,
  outcomes: readonly OutcomeObservation[],
  settings: VerdictSettings,
): Walk {
  const total = outcomes.reduce((n, o) => n + (o.version === version ? 1 : 0), 0);
  const every = Math.max(1, Math.ceil(total / TRAJECTORY_POINTS));
  const strata = new Map<string, { stratum: string; version: ArmCounts; baseline: ArmCounts }>();
  const environments = new Map<string, EnvironmentCounts>();
  const logThreshold = Math.log(1 / settings.alpha);
  const trajectory: Walk['trajectory'] = [];
  let decidedAtSample: number | null = null;
  let seen = 0;
  // The combined ln e-value is the sum of the strata's; an outcome changes only its own stratum's,
  // so a look recomputes just the strata that changed since the last one.
  const logEs = new Map<string, number>();
  const changed = new Set<string>();
  const combinedLogE = (): number => {
    for (const key of changed) {
      const s = strata.get(key) as StratumCounts;
      logEs.set(key, rateRatioLogE(s.version, s.baseline, settings.minEffect));
    }
    changed.clear();
    let sum = 0;
    for (const value of logEs.values()) sum += value;
    return sum;
  };
  for (const o of outcomes) {
    const arm = o.version === version ? 'version' : o.version === baseline ? 'baseline' : undefined;
    if (arm === undefined) continue;
    const key = settings.strata === 'environment' ? o.environment : 'all';
    const stratum = strata.get(key) ?? { stratum: key, version: empty(), baseline: empty() };
    strata.set(key, stratum);
    const env = environments.get(o.environment) ?? {
      environment: o.environment,
      version: empty(),
      baseline: empty(),
    };
    environments.set(o.environment, env);
    for (const counts of [stratum[arm], env[arm]]) {
      counts.total += 1;
      if (o.outcome === 'failure') counts.failures += 1;
    }
    changed.add(key);
    if (arm !== 'version') continue;
    seen += 1;
    const plotted = seen % every === 0 || seen === total;
    const undecided =
      decidedAtSample === null &&
      baseline !== null &&
      seen >= settings.minSamples &&
      (o.outcome === 'failure' || seen === settings.minSamples || isLook(seen));
    if (!plotted && !undecided) continue;
    const logE = baseline === null ? 0 : combinedLogE();
    if (plotted) trajectory.push({ samples: seen, eValue: reportedE(logE) });
    if (undecided && logE >= logThreshold) decidedAtSample = seen;
  }
  return {
    strata: [...strata.values()],
    environments: [...environments.values()],
    trajectory,
    decidedAtSample,
  };
}

/**
 * Whether the e-value is looked at after the version's `seen`-th outcome (besides after each of
 * its failures, where it rises, and at minSamples): each of the first 100, every 10th to 10,000,
 * then every 100th. The looks depend
 * on the outcomes so far only, never on how many came later, so a crossing once seen is seen by
 * every later computation too; any such rule keeps the alpha guarantee (Ville's inequality holds
 * for the supremum over all outcomes).
 */
function isLook(seen: number): boolean {
  if (seen <= 100) return true;
  return seen % (seen <= 10_000 ? 10 : 100) === 0;
}

function empty(): ArmCounts {
  return { failures: 0, total: 0 };
}

function summarise(
  version: string,
  baseline: string | null,
  walk: Walk,
  final: ReturnType<typeof stratifiedRateRatio>,
  settings: VerdictSettings,
): VerdictEvidence {
  const sum = (arm: 'version' | 'baseline', field: keyof ArmCounts) =>
    walk.strata.reduce((n, s) => n + s[arm][field], 0);
  const samples = sum('version', 'total');
  const failures = sum('version', 'failures');
  const baselineSamples = sum('baseline', 'total');
  const baselineFailures = sum('baseline', 'failures');
  return {
    version,
    baseline,
    alpha: settings.alpha,
    threshold: 1 / settings.alpha,
    minEffect: settings.minEffect,
    minSamples: settings.minSamples,
    strata: settings.strata,
    samples,
    failures,
    baselineSamples,
    baselineFailures,
    rate: samples > 0 ? failures / samples : Number.NaN,
    baselineRate: baselineSamples > 0 ? baselineFailures / baselineSamples : Number.NaN,
    ratio: final.ratio,
    upper: final.upper,
    eValue: baseline === null ? 1 : final.eValue,
    decidedAtSample: walk.decidedAtSample,
    environments: walk.environments,
    comparison: final.strata,
    trajectory: walk.trajectory,
  };
}

/** The order matters: bad as soon as the evidence crossed (it never un-crosses), then good, then why pending. */
function judge(
  evidence: VerdictEvidence,
  comparison: StratumResult[],
  baseline: string | null,
): [Verdict, VerdictReason] {
  if (baseline === null) return ['pending', 'no_baseline'];
  if (evidence.decidedAtSample !== null) return ['bad', 'failure_rate_higher'];
  if (evidence.samples < evidence.minSamples) return ['pending', 'too_few_samples'];
  const compared = comparison.filter((s) => s.compared);
  if (compared.length > 0 && compared.every((s) => s.upper < evidence.minEffect)) {
    return ['good', 'regression_ruled_out'];
  }
  return ['pending', 'inconclusive'];
}

/** `4.10 %` */
export function percent(rate: number): string {
  return Number.isFinite(rate) ? `${(rate * 100).toFixed(2)} %` : '-';
}

/** An e-value as people read it: `412`, `3.2`, `1.2e+9`. */
export function eText(e: number): string {
  if (!Number.isFinite(e)) return '∞';
  if (e >= 1e6) return e.toExponential(1);
  return e >= 100 ? e.toFixed(0) : e.toPrecision(2);
}

function verdictMessage(e: VerdictEvidence, reason: VerdictReason): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const outcomes = (n: number) => `${count(n)} ${n === 1 ? 'outcome' : 'outcomes'}`;
  const rates = `${e.version} failed ${percent(e.rate)} of ${outcomes(e.samples)}, ${e.baseline} ${percent(e.baselineRate)} of ${count(e.baselineSamples)}`;
  switch (reason) {
    case 'no_baseline':
      return `${e.version} has ${outcomes(e.samples)}, but no earlier version with outcomes to compare it with`;
    case 'too_few_samples':
      return `${e.version} has ${outcomes(e.samples)}; a verdict needs ${count(e.minSamples)}`;
    case 'failure_rate_higher': {
      const reached = `${eText(e.threshold)} = 1/alpha, reached after ${outcomes(e.decidedAtSample ?? e.samples)}`;
      return e.eValue >= e.threshold
        ? `${rates}: ${ratioText(e.ratio)} the failure rate (e-value ${eText(e.eValue)} ≥ ${reached})`
        : `${rates}: ${ratioText(e.ratio)} the failure rate (the e-value crossed ${reached}, where the test stopped; ${eText(e.eValue)} now)`;
    }
    case 'regression_ruled_out':
      return `${rates}: a ${e.minEffect}× regression is ruled out (ratio ≤ ${e.upper.toFixed(2)})`;
    default:
      return `${rates}: not enough evidence either way yet (e-value ${eText(e.eValue)} < ${eText(e.threshold)}; ratio ≤ ${Number.isFinite(e.upper) ? e.upper.toFixed(2) : '∞'})`;
  }
}

function ratioText(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'failures where the baseline had none,';
}

/** The records of one version's verdicts, as the ledger keeps them (oldest first). */
export interface VerdictEntry {
  verdict: Verdict;
  kind: 'computed' | 'override';
}

/**
 * The verdict that stands: the latest override if there is one (it stands until another override:
 * re-computing on the same evidence must not undo a person's decision), else the latest computed.
 */
export function effectiveVerdict<T extends VerdictEntry>(records: readonly T[]): T | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (records[i]?.kind === 'override') return records[i];
  return records.at(-1);
}

export interface RollbackChoice {
  environment: string;
  rollBack: boolean;
  reason: string;
}

/**
 * Which environments running a bad version to roll back, per policy. `failing` leaves those
 * where the version kept succeeding: no failure there, or outcomes there that favour "no worse
 * than the baseline" over a regression (that environment's own e-value below 1, the likelihood
 * ratio of the test leaning towards no regression). Rolled back: an environment whose outcomes
 * lean towards the regression, one with failures but no baseline outcomes to compare with, and
 * one without outcomes of the version (nothing shows it kept succeeding).
 */
export function rollbackChoices(
  policy: RollbackPolicy,
  evidence: VerdictEvidence,
  liveOn: readonly string[],
): RollbackChoice[] {
  return liveOn.map((environment) => {
    if (policy === 'none') return { environment, rollBack: false, reason: 'rollback: none' };
    if (policy === 'all') return { environment, rollBack: true, reason: 'rollback: all' };
    const counts = evidence.environments.find((e) => e.environment === environment);
    if (!counts || counts.version.total === 0) {
      return {
        environment,
        rollBack: true,
        reason: `no outcomes of ${evidence.version} were reported there`,
      };
    }
    const { version, baseline } = counts;
    const failed = `${version.failures} of ${version.total} failed (${percent(version.failures / version.total)}`;
    const base = evidence.baseline ?? 'the baseline';
    if (version.failures === 0) {
      return { environment, rollBack: false, reason: `it kept succeeding there: ${failed})` };
    }
    if (baseline.total === 0) {
      return {
        environment,
        rollBack: true,
        reason: `${failed}) and ${base} never ran there to compare with`,
      };
    }
    const e = reportedE(rateRatioLogE(version, baseline, evidence.minEffect));
    const against = `${base} ${percent(baseline.failures / baseline.total)} there; e-value there ${eText(e)}`;
    return e < 1
      ? { environment, rollBack: false, reason: `it kept succeeding there: ${failed}, ${against})` }
      : { environment, rollBack: true, reason: `${failed}, ${against})` };
  });
}
