import type { CommandCheckSpec, HttpCheckSpec } from '../../src/checks/check-specs.ts';
import type { BatchCheckContext, CommandContext, TargetSpec } from '../../src/engine/ports.ts';

export function context(target: Partial<TargetSpec> = {}): CommandContext {
  return {
    service: 'metrics-store',
    environment: 'production',
    environmentLabels: {},
    component: 'app',
    target: { name: 'web-1', labels: {}, ...target },
    version: '2.15.0',
    previousVersion: '2.14.6',
    batch: 2,
    action: 'deploy',
    commit: null,
  };
}

export function commandCheck(command: string, options: Partial<CommandCheckSpec> = {}): CommandCheckSpec {
  return { kind: 'command', name: 'query', command, timeoutMs: 10_000, ...options };
}

export function httpCheck(url: string, options: Partial<HttpCheckSpec> = {}): HttpCheckSpec {
  return { kind: 'http', name: 'health', url, status: 200, samples: 5, timeoutMs: 2_000, ...options };
}

/** A batch of one canary (web.1) against two baselines, a minute after the batch's deploy. */
export function batchContext(options: Partial<BatchCheckContext> = {}): BatchCheckContext {
  const windowStart = 1_700_000_000_000;
  return {
    service: 'shop',
    environment: 'prod',
    component: 'app',
    version: '2',
    batch: 1,
    commit: null,
    canaries: [{ name: 'web.1', labels: {} }],
    baselines: [
      { name: 'web-2', labels: {} },
      { name: 'web-3', labels: {} },
    ],
    windowStart,
    now: windowStart + 60_000,
    final: false,
    comparisons: 1,
    ...options,
  };
}
