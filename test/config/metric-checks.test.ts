import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';
import { yaml } from './example.ts';

function config(bake: string, ...checks: string[]): string {
  return yaml(
    'service: shop', //                                            1
    'environments:', //                                            2
    '  prod:', //                                                  3
    '    components:', //                                          4
    '      - name: app', //                                        5
    '        targets: [web-1, web-2, web-3]', //                   6
    '        deploy: ./deploy.sh', //                              7
    `        rollout: { bake: ${bake} }`, //                       8
    '        checks: [check]', //                                  9
    'checks:', //                                                  10
    '  check:', //                                                 11
    ...checks,
  );
}

function errors(text: string): string[] {
  try {
    parseConfig(text, 'tranche.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const checkOf = (text: string) =>
  resolveEnvironment(parseConfig(text, 'tranche.yml').config, 'prod').components[0]?.checks[0];

describe('prometheus checks in tranche.yml', () => {
  it('resolve with defaults to an instant query check', () => {
    const text = config(
      '0s',
      '    prometheus:',
      '      url: http://prom:9090',
      '      query: up{instance="{target}"}',
      '      min: 1',
    );
    expect(checkOf(text)).toEqual({
      kind: 'prometheus',
      name: 'check',
      server: 'http://prom:9090',
      query: 'up{instance="{target}"}',
      range: undefined,
      max: undefined,
      min: 1,
      unit: undefined,
      deviation: undefined,
      timeoutMs: 10_000,
    });
  });

  it('read the flow style of the config contract: { url, query, max }', () => {
    const text = config(
      '0s',
      '    prometheus: { url: "http://127.0.0.1:9090", query: "sum(rate(errors[1m]))", max: 0.01 }',
    );
    expect(checkOf(text)).toMatchObject({
      kind: 'prometheus',
      server: 'http://127.0.0.1:9090',
      query: 'sum(rate(errors[1m]))',
      max: 0.01,
    });
  });

  it('resolve a deviation from the history of a range query', () => {
    const text = config(
      '0s',
      '    prometheus:',
      '      url: http://prom:9090',
      '      query: p95',
      '      range: 10m',
      '      step: 30s',
      '      deviation: { history: 1h }',
      '      max: 100',
    );
    expect(checkOf(text)).toMatchObject({
      range: { rangeMs: 600_000, stepMs: 30_000, reduce: 'max' },
      deviation: { historyMs: 3_600_000 },
      max: 100,
    });
  });

  it('refuse a deviation without a range', () => {
    const text = config(
      '0s',
      '    prometheus:',
      '      url: http://prom:9090',
      '      query: p95',
      '      deviation: { history: 1h }',
    );
    expect(errors(text)).toEqual([
      'tranche.yml:15:18 checks.check.prometheus.deviation: a deviation compares series: set range too',
    ]);
  });

  it('refuse a server that is not an http URL', () => {
    const text = config('0s', '    prometheus:', '      url: prom:9090', '      query: up');
    expect(errors(text)).toEqual([
      'tranche.yml:13:12 checks.check.prometheus.url: expected an http:// or https:// URL of a Prometheus server',
    ]);
  });
});

describe('analysis checks in tranche.yml', () => {
  const counts = [
    '    analysis:',
    '      url: http://prom:9090',
    '      counts:',
    '        failures: sum(increase(r{t=~"{targets}",code="500"}[{window}]))',
    '        total: sum(increase(r{t=~"{targets}"}[{window}]))',
  ];

  it('resolve with defaults: alpha 0.01, minEffect 1.5, onInconclusive pass', () => {
    expect(checkOf(config('1m', ...counts))).toEqual({
      kind: 'analysis',
      observes: 'batch',
      name: 'check',
      server: 'http://prom:9090',
      metric: {
        type: 'counts',
        failures: 'sum(increase(r{t=~"{targets}",code="500"}[{window}]))',
        total: 'sum(increase(r{t=~"{targets}"}[{window}]))',
        minEffect: 1.5,
      },
      alpha: 0.01,
      onInconclusive: 'pass',
      baseline: undefined,
      timeoutMs: 10_000,
    });
  });

  it('resolve a Mann-Whitney series judge with Kayenta’s defaults and named baselines', () => {
    const text = config(
      '1m',
      '    analysis:',
      '      url: http://prom:9090',
      '      series: { query: p95, test: mann-whitney }',
      '      baseline: { targets: [base-1], labels: { zone: 1 } }',
    );
    expect(checkOf(text)).toMatchObject({
      metric: {
        type: 'series',
        stepMs: 10_000,
        direction: 'increase',
        test: {
          kind: 'mann-whitney',
          confidence: 0.98,
          tolerance: 0.25,
          allowedIncrease: 1,
          allowedDecrease: 1,
        },
      },
      baseline: { targets: ['base-1'], labels: { zone: '1' } },
    });
  });

  it('refuse a component that runs one without a bake, at the reference', () => {
    expect(errors(config('0s', ...counts))).toEqual([
      "tranche.yml:9:18 environments.prod.components[0].checks[0]: check 'check' is an analysis: it compares canaries with baselines during the bake, so set rollout.bake",
    ]);
  });

  it('refuse both counts and series', () => {
    const text = config('1m', ...counts, '      series: { query: p95 }');
    expect(errors(text)).toEqual([
      'tranche.yml:12:5 checks.check.analysis: an analysis needs exactly one of counts or series',
    ]);
  });

  it('refuse an alpha outside (0, 1)', () => {
    const text = config('1m', ...counts, '      alpha: 1');
    expect(errors(text)).toEqual([
      'tranche.yml:17:14 checks.check.analysis.alpha: expected a probability between 0 and 1 (exclusive)',
    ]);
  });
});
