/** From a validated configuration to what the engine rolls out in one environment. */
import type { CheckSpec, ComponentSpec, RolloutSpec } from '../engine/ports.ts';
import type { OnFailure } from '../engine/vocabulary.ts';
import { UnknownEnvironmentError } from './errors.ts';
import type { CheckConfig, ComponentConfig, TrancheConfig } from './schema.ts';

export { UnknownEnvironmentError };

export interface ResolvedEnvironment {
  service: string;
  versionTemplate: string;
  onFailure: OnFailure;
  components: ComponentSpec[];
}

/** The engine's view of one environment; throws UnknownEnvironmentError for an undefined one. */
export function resolveEnvironment(config: TrancheConfig, environment: string): ResolvedEnvironment {
  const settings = Object.hasOwn(config.environments, environment)
    ? config.environments[environment]
    : undefined;
  if (!settings) throw new UnknownEnvironmentError(environment, Object.keys(config.environments));
  return {
    service: config.service,
    versionTemplate: config.version,
    onFailure: settings.onFailure,
    components: settings.components.map((component) => resolveComponent(component, config.checks)),
  };
}

function resolveComponent(component: ComponentConfig, checks: Record<string, CheckConfig>): ComponentSpec {
  return {
    name: component.name,
    targets: component.targets.map((target) => ({ name: target.name, labels: { ...target.labels } })),
    deploy: component.deploy,
    rollback: component.rollback,
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

function resolveCheck(name: string, checks: Record<string, CheckConfig>): CheckSpec {
  const check = Object.hasOwn(checks, name) ? checks[name] : undefined;
  if (!check) throw new Error(`check '${name}' is not defined under checks`);
  if ('http' in check) {
    const { url, status, samples, p95, timeout } = check.http;
    return { kind: 'http', name, url, status, samples, p95Ms: p95, timeoutMs: timeout };
  }
  const { command, max, min, unit, timeout } = check;
  return { kind: 'command', name, command, max, min, unit, timeoutMs: timeout };
}

/** The version string of release number n: `renderVersion('2.14.{n}', 7)` is `2.14.7`. */
export function renderVersion(template: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`release number must be a whole number ≥ 0, got ${n}`);
  return template.replaceAll('{n}', String(n));
}
