/**
 * The kinds of check the checker runs (checker.ts), each with what it measures and how: the
 * check-configuration model config/resolve.ts builds from tranche.yml. The engine knows a check
 * only by its name, its time limit and whether it observes a target or a batch
 * (engine/ports.ts), so a new kind is added here and in the checker, not in the engine.
 */
import type { BatchCheckSpec, CheckSpec, TargetCheckSpec } from '../engine/ports.ts';

/**
 * Credentials and headers of a check's HTTP requests. Secrets are named environment variables,
 * read when the check runs: the spec, and so every record of it, holds no secret.
 */
export interface RequestAuth {
  basic?: { username: string; passwordEnv: string } | undefined;
  bearer?: { tokenEnv: string } | undefined;
  /** A header's value, or the environment variable that holds it. */
  headers?: Record<string, string | { env: string }> | undefined;
}

export interface HttpCheckSpec extends TargetCheckSpec {
  kind: 'http';
  /** May hold `{target}` and `{labels.KEY}` placeholders, filled in URL-encoded. */
  url: string;
  /** Expected status code of every sample. */
  status: number;
  /** Requests per observation. */
  samples: number;
  /** Maximum allowed p95 latency of the samples, in ms. */
  p95Ms?: number | undefined;
  auth?: RequestAuth | undefined;
}

export interface CommandCheckSpec extends TargetCheckSpec {
  kind: 'command';
  /** Shell command; values reach it only through TRANCHE_* environment variables. */
  command: string;
  /** Bounds on the `{"value": n}` the command may print as its last line of output. */
  max?: number | undefined;
  min?: number | undefined;
  /** Unit of the value, for reports and plots. */
  unit?: string | undefined;
}

export interface PrometheusCheckSpec extends TargetCheckSpec {
  kind: 'prometheus';
  /** Base URL of the Prometheus server, e.g. `http://prometheus:9090`. */
  server: string;
  auth?: RequestAuth | undefined;
  /**
   * PromQL. May hold `{target}`, `{labels.KEY}`, `{service}`, `{environment}`, `{component}` and
   * `{version}` inside string literals (escaped for them) and `{range}` outside them.
   */
  query: string;
  /** A range query over the last rangeMs at stepMs, reduced to one value; undefined for an instant query. */
  range?: PrometheusRange | undefined;
  /** Bounds on the value (or on the deviation, when `deviation` is set). */
  max?: number | undefined;
  min?: number | undefined;
  unit?: string | undefined;
  /** Compare the range query's series with a baseline series; needs `range`. */
  deviation?: DeviationSpec | undefined;
}

export interface PrometheusRange {
  rangeMs: number;
  stepMs: number;
  /** How the series becomes the checked value. */
  reduce: 'last' | 'max' | 'min' | 'mean';
}

export interface DeviationSpec {
  /** A query for the baseline series, templated like `query`; or, without it, the query itself… */
  baseline?: string | undefined;
  /** … historyMs earlier (the series' own recent history). */
  historyMs?: number | undefined;
}

/** A per-batch statistical comparison of the canary targets against the baseline targets. */
export interface AnalysisCheckSpec extends BatchCheckSpec {
  kind: 'analysis';
  server: string;
  auth?: RequestAuth | undefined;
  metric: CountsMetricSpec | SeriesMetricSpec;
  /** Largest acceptable probability of failing a canary that is no worse than its baseline. */
  alpha: number;
  /** What an inconclusive result at the end of the bake does: let the rollout go on, or fail. */
  onInconclusive: 'pass' | 'fail';
  /**
   * What the sequential tests fail on: a regression beyond minEffect (a smaller one is tolerated:
   * it fails with probability at most alpha), or any regression at all.
   */
  failOn: 'beyond-min-effect' | 'any-regression';
  /** How often Prometheus scrapes the targets, when the config says: checks the step and the bake. */
  scrapeIntervalMs?: number | undefined;
}

/**
 * Failures out of requests per arm: two counter selectors templated with `{targets}`, read as raw
 * counter differences from the end of the batch's deploy to the look.
 */
export interface CountsMetricSpec {
  type: 'counts';
  failures: string;
  total: string;
  /** No failures series in an arm: no data, or (opted in) zero failures. */
  absentFailures: 'no-data' | 'zero';
  /** Smallest ratio of canary to baseline failure rate that counts as a regression. */
  minEffect: number;
}

/** A per-step series per arm (a range query templated with `{targets}` and `{step}`). */
export interface SeriesMetricSpec {
  type: 'series';
  query: string;
  stepMs: number;
  direction: 'increase' | 'decrease' | 'either';
  test: SequentialSeriesTest | MannWhitneyTest;
}

export interface SequentialSeriesTest {
  kind: 'sequential';
  /** Relative effect that counts as a regression: 0.1 = the canary 10 % worse. */
  minEffect: number;
}

export interface MannWhitneyTest {
  kind: 'mann-whitney';
  confidence: number;
  tolerance: number;
  allowedIncrease: number;
  allowedDecrease: number;
}

/** Checks observed on one target at a time. */
/** Every kind of check observed on one target at a time. */
export type TargetCheck = HttpCheckSpec | CommandCheckSpec | PrometheusCheckSpec;
/** Every kind of check observed on a batch as a whole. */
export type BatchCheck = AnalysisCheckSpec;
export type KnownCheck = TargetCheck | BatchCheck;

/** Whether a component's check is an analysis check (components hold the checks config/resolve.ts built). */
export function isAnalysisCheck(check: CheckSpec): check is AnalysisCheckSpec {
  return (check as Partial<KnownCheck>).kind === 'analysis';
}
