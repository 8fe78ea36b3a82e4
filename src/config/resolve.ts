/** From a validated configuration to what the engine rolls out in one environment. */

import type {
  AnalysisCheckSpec,
  KnownCheck,
  PrometheusCheckSpec,
  RequestAuth,
  SeriesMetricSpec,
} from '../checks/check-specs.ts';
import type { CategorySpec } from '../engine/categories.ts';
import type { ReleaseConstraints } from '../engine/constraints.ts';
import type { ComponentSpec, RolloutSpec } from '../engine/ports.ts';
import type { TrackSpec } from '../engine/tracks.ts';
import type { RollbackPolicy, VerdictSettings } from '../engine/verdict.ts';
import type { OnFailure } from '../engine/vocabulary.ts';
import { UnknownEnvironmentError, UnreadInventoryError } from './errors.ts';
import type { CheckConfig, ComponentConfig, TrancheConfig } from './schema.ts';
import { listedTargets } from './targets.ts';
import { matchingTargets, type TrackEnvironments, trackEnvironments } from './track-environments.ts';

export { UnknownEnvironmentError, UnreadInventoryError };

export interface ResolvedEnvironment {
  service: string;
  versionTemplate: string;
  /** The environment's labels, exported to its commands as TRANCHE_ENVIRONMENT_LABELS. */
  labels: Record<string, string>;
  onFailure: OnFailure;
  components: ComponentSpec[];
  /** The environment's url template (see environment-url.ts), when it has one. */
  url?: string | undefined;
}

/**
 * The engine's view of one environment; throws UnknownEnvironmentError for an undefined one, and
 * UnreadInventoryError for a component whose inventory was not read (inventory.ts) unless
 * `unread: 'no-targets'` asks for such components without targets (a plan that runs nothing).
 */
export function resolveEnvironment(
  config: TrancheConfig,
  environment: string,
  options: { unread?: 'fail' | 'no-targets' } = {},
): ResolvedEnvironment {
  const settings = Object.hasOwn(config.environments, environment)
    ? config.environments[environment]
    : undefined;
  if (!settings) throw new UnknownEnvironmentError(environment, Object.keys(config.environments));
  return {
    service: config.service,
    versionTemplate: config.version,
    labels: { ...settings.labels },
    onFailure: settings.onFailure,
    ...(settings.url === undefined ? {} : { url: settings.url }),
    components: settings.components.map((component) => ({
      ...resolveComponent(component, config.checks, environment, options.unread ?? 'fail'),
      ...(config.categories ? { categories: resolveCategories(config.categories) } : {}),
    })),
  };
}

function resolveCategories(categories: NonNullable<TrancheConfig['categories']>): CategorySpec {
  return { labels: [...categories.labels], coverage: categories.coverage, values: categories.values };
}

/** What this version declares about other services and schemas; undefined when it declares nothing. */
export function resolveConstraints(config: TrancheConfig): ReleaseConstraints | undefined {
  if (config.requires === undefined && config.migrations === undefined) return undefined;
  const constraints: ReleaseConstraints = { requires: { ...(config.requires ?? {}) } };
  if (config.migrations) {
    constraints.migrations = { schema: config.migrations.schema, reads: [...config.migrations.reads] };
  }
  return constraints;
}

/**
 * The release tracks in order, each environment a member (listed, or chosen by the track's
 * categories: see track-environments.ts); a track's `targets` selector becomes the names of the
 * environment's targets (of any component) carrying all its labels.
 */
export function resolveTracks(config: TrancheConfig): TrackSpec[] {
  const chosen = trackEnvironments(config);
  return (config.tracks ?? []).map((track, index) => {
    const { environments, selection } = chosen[index] as TrackEnvironments;
    const selector = track.targets;
    return {
      name: track.name,
      bakeMs: track.bake,
      promote: index === 0 ? 'auto' : (track.promote ?? 'auto'),
      members: environments.map((environment) =>
        selector === undefined
          ? { environment }
          : { environment, targets: matchingTargets(config, environment, selector) },
      ),
      ...(selection ? { categories: selection } : {}),
    };
  });
}

/** How verdicts are computed, and what a bad one rolls back. */
export function resolveVerdictSettings(
  config: TrancheConfig,
): VerdictSettings & { rollback: RollbackPolicy } {
  const { alpha, minSamples, minEffect, strata, rollback } = config.verdict;
  return { alpha, minSamples, minEffect, strata, rollback };
}

function resolveComponent(
  component: ComponentConfig,
  checks: Record<string, CheckConfig>,
  environment: string,
  unread: 'fail' | 'no-targets',
): ComponentSpec {
  if (!Array.isArray(component.targets) && unread === 'fail') {
    throw new UnreadInventoryError(environment, component.name);
  }
  const batch = component.deployBatch !== undefined;
  return {
    name: component.name,
    targets: listedTargets(component.targets).map((target) => ({
      name: target.name,
      labels: { ...target.labels },
    })),
    deploy: (batch ? component.deployBatch : component.deploy) as string,
    rollback: batch ? component.rollbackBatch : component.rollback,
    ...(batch ? { commandsPer: 'batch' as const, checkBatch: component.checkBatch } : {}),
    timeoutMs: component.timeout,
    rollout: resolveRollout(component.rollout),
    checks: component.checks.map((name) => resolveCheck(name, checks)),
  };
}

function resolveRollout(rollout: ComponentConfig['rollout']): RolloutSpec {
  return {
    first: rollout.first,
    growth: rollout.growth,
    maxBatch: rollout.maxBatch,
    parallel: rollout.parallel,
    bakeMs: rollout.bake,
    checkIntervalMs: rollout.checkEvery,
    rollbackParallel: rollout.rollbackParallel,
  };
}

function resolveCheck(name: string, checks: Record<string, CheckConfig>): KnownCheck {
  const check = Object.hasOwn(checks, name) ? checks[name] : undefined;
  if (!check) throw new Error(`check '${name}' is not defined under checks`);
  if ('http' in check) {
    const { url, status, samples, p95, timeout } = check.http;
    const auth = requestAuth(check.http);
    return { kind: 'http', name, url, status, samples, p95Ms: p95, timeoutMs: timeout, auth };
  }
  if ('prometheus' in check) return resolvePrometheus(name, check.prometheus);
  if ('analysis' in check) return resolveAnalysis(name, check.analysis);
  const { command, max, min, unit, timeout } = check;
  return { kind: 'command', name, command, max, min, unit, timeoutMs: timeout };
}

type RequestConfig = Pick<RequestAuth, 'headers'> & {
  auth?: Pick<RequestAuth, 'basic'> | Pick<RequestAuth, 'bearer'> | undefined;
};

/** A check's auth and headers as one spec; undefined when it has neither. */
function requestAuth(c: RequestConfig): RequestAuth | undefined {
  if (c.auth === undefined && c.headers === undefined) return undefined;
  return { ...c.auth, headers: c.headers };
}

type PrometheusConfig = Extract<CheckConfig, { prometheus: unknown }>['prometheus'];
type AnalysisConfig = Extract<CheckConfig, { analysis: unknown }>['analysis'];

function resolvePrometheus(name: string, c: PrometheusConfig): PrometheusCheckSpec {
  return {
    kind: 'prometheus',
    name,
    server: c.url,
    auth: requestAuth(c),
    query: c.query,
    range: c.range === undefined ? undefined : { rangeMs: c.range, stepMs: c.step, reduce: c.reduce },
    max: c.max,
    min: c.min,
    unit: c.unit,
    deviation: c.deviation && { baseline: c.deviation.baseline, historyMs: c.deviation.history },
    timeoutMs: c.timeout,
  };
}

function resolveAnalysis(name: string, c: AnalysisConfig): AnalysisCheckSpec {
  return {
    kind: 'analysis',
    observes: 'batch',
    name,
    server: c.url,
    auth: requestAuth(c),
    metric: c.counts
      ? { type: 'counts', ...c.counts }
      : resolveSeries(c.series as NonNullable<AnalysisConfig['series']>),
    alpha: c.alpha,
    onInconclusive: c.onInconclusive,
    failOn: c.failOn,
    scrapeIntervalMs: c.scrapeInterval,
    baseline: c.baseline && { targets: c.baseline.targets, labels: c.baseline.labels },
    timeoutMs: c.timeout,
  };
}

function resolveSeries(c: NonNullable<AnalysisConfig['series']>): SeriesMetricSpec {
  return {
    type: 'series',
    query: c.query,
    stepMs: c.step,
    direction: c.direction,
    test:
      c.test === 'sequential'
        ? { kind: 'sequential', minEffect: c.minEffect }
        : {
            kind: 'mann-whitney',
            confidence: c.confidence,
            tolerance: c.tolerance,
            allowedIncrease: c.allowedIncrease,
            allowedDecrease: c.allowedDecrease,
          },
  };
}

/** The version string of release number n: `renderVersion('2.14.{n}', 7)` is `2.14.7`. */
export function renderVersion(template: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`release number must be a whole number ≥ 0, got ${n}`);
  return template.replaceAll('{n}', String(n));
}
