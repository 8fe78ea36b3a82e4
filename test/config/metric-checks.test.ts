import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';
import { configErrors, yaml } from './example.ts';

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
    expect(configErrors(text)).toEqual([
      'tranche.yml:15:18 checks.check.prometheus.deviation: a deviation compares series: set range too',
    ]);
  });

  it('refuse a server that is not an http URL', () => {
    const text = config('0s', '    prometheus:', '      url: prom:9090', '      query: up');
    expect(configErrors(text)).toEqual([
      'tranche.yml:13:12 checks.check.prometheus.url: expected an http:// or https:// URL of a Prometheus server',
    ]);
  });
});

describe('analysis checks in tranche.yml', () => {
  const counts = [
    '    analysis:',
    '      url: http://prom:9090',
    '      counts:',
    '        failures: r{t=~"{targets}",code="500"}',
    '        total: r{t=~"{targets}"}',
  ];

  it('resolve with defaults: alpha 0.01, minEffect 1.5 as the tolerance, absent failures as no data, onInconclusive pass', () => {
    expect(checkOf(config('1m', ...counts))).toEqual({
      kind: 'analysis',
      observes: 'batch',
      name: 'check',
      server: 'http://prom:9090',
      metric: {
        type: 'counts',
        failures: 'r{t=~"{targets}",code="500"}',
        total: 'r{t=~"{targets}"}',
        minEffect: 1.5,
        absentFailures: 'no-data',
      },
      alpha: 0.01,
      onInconclusive: 'pass',
      failOn: 'beyond-min-effect',
      scrapeIntervalMs: undefined,
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
    expect(configErrors(config('0s', ...counts))).toEqual([
      "tranche.yml:9:18 environments.prod.components[0].checks[0]: check 'check' is an analysis: it compares canaries with baselines during the bake, so set rollout.bake",
    ]);
  });

  it('refuse counts written as increase() over {window}: they are counter selectors, read raw', () => {
    const text = config(
      '1m',
      '    analysis:',
      '      url: http://prom:9090',
      '      counts:',
      '        failures: sum(increase(r{t=~"{targets}",code="500"}[{window}]))',
      '        total: sum(rate(r{t=~"{targets}"}[1m]))',
    );
    expect(configErrors(text)).toEqual([
      'tranche.yml:15:19 checks.check.analysis.counts.failures: counts.failures is a counter selector such as http_requests_total{instance=~"{targets}",code=~"5.."}: Tranche reads the counters\' raw increase over the window itself (no increase(), no {window})',
      'tranche.yml:16:16 checks.check.analysis.counts.total: counts.total is a counter selector such as http_requests_total{instance=~"{targets}"}, not an expression: Tranche reads the counters\' raw increase over the window itself',
    ]);
  });

  describe('that can never decide', () => {
    const p95 = (...extra: string[]) => [
      '    analysis:',
      '      url: http://prom:9090',
      '      series: { query: p95, step: 10s }',
      ...extra,
    ];

    it('refuse a sign test whose bake cannot hold the steps it needs to fail, at the reference', () => {
      // Three targets go out as 1 then 2: one batch compares and spends all of alpha 0.01, which
      // needs 9 steps all one way; a 1-minute bake is sure to hold only 5 complete 10 s steps.
      expect(configErrors(config('1m', ...p95()))).toEqual([
        "tranche.yml:9:18 environments.prod.components[0].checks[0]: check 'check' cannot decide here: the bake of 60s is sure to hold only 5 complete 10s steps; the sign test needs 9 to fail or pass at alpha 0.01 per batch: lengthen the bake to 100s or shorten the step",
      ]);
    });

    it('accept the same test once the bake holds the steps', () => {
      expect(checkOf(config('100s', ...p95()))).toMatchObject({ kind: 'analysis' });
    });

    it('refuse a step shorter than the scrape interval when it is known', () => {
      expect(configErrors(config('10m', ...p95('      scrapeInterval: 15s')))).toEqual([
        "tranche.yml:9:18 environments.prod.components[0].checks[0]: check 'check' cannot decide here: step 10s is shorter than the scrape interval 15s: some steps would hold no sample",
      ]);
    });

    it('refuse a bake that can hold no scrape', () => {
      expect(configErrors(config('10s', ...counts, '      scrapeInterval: 15s'))).toEqual([
        "tranche.yml:9:18 environments.prod.components[0].checks[0]: check 'check' cannot decide here: the bake of 10s can hold no scrape (scrapeInterval 15s)",
      ]);
    });
  });

  it('refuse both counts and series', () => {
    const text = config('1m', ...counts, '      series: { query: p95 }');
    expect(configErrors(text)).toEqual([
      'tranche.yml:12:5 checks.check.analysis: an analysis needs exactly one of counts or series',
    ]);
  });

  it('refuse an alpha outside (0, 1)', () => {
    const text = config('1m', ...counts, '      alpha: 1');
    expect(configErrors(text)).toEqual([
      'tranche.yml:17:14 checks.check.analysis.alpha: expected a probability between 0 and 1 (exclusive)',
    ]);
  });
});

describe('credentials of checks in tranche.yml', () => {
  const REFUSED =
    'credentials inside the URL are refused (they would be shown and stored with every result): give them with auth (basic passwordEnv or bearer tokenEnv, read from environment variables) or headers';

  it('refuse a password inside an http check’s URL, at the URL, without repeating it', () => {
    const text = config('0s', '    http:', '      url: http://admin:SECRET@web/{target}/health');
    const refused = configErrors(text);
    expect(refused).toEqual([`tranche.yml:13:12 checks.check.http.url: ${REFUSED}`]);
    expect(refused.join('\n')).not.toContain('SECRET');
  });

  it.each([
    ['prometheus', 'https://reader:SECRET@prom:9090', 'query: up'],
    ['analysis', 'http://reader:SECRET@prom:9090', 'counts: { failures: "f_total", total: "t_total" }'],
  ])('refuse credentials inside a %s URL', (kind, url, rest) => {
    const text = config('1m', `    ${kind}:`, `      url: ${url}`, `      ${rest}`);
    expect(configErrors(text)).toEqual([`tranche.yml:13:12 checks.check.${kind}.url: ${REFUSED}`]);
  });

  it('resolve basic auth and headers into the check, naming variables, never holding a secret', () => {
    const text = config(
      '0s',
      '    prometheus:',
      '      url: https://prom.example/api/prom',
      '      query: up',
      '      auth: { basic: { username: reader, passwordEnv: PROM_PASSWORD } }',
      '      headers: { X-Scope-OrgID: team-7, X-Api-Key: { env: PROXY_KEY } }',
    );
    expect(checkOf(text)).toMatchObject({
      auth: {
        basic: { username: 'reader', passwordEnv: 'PROM_PASSWORD' },
        headers: { 'X-Scope-OrgID': 'team-7', 'X-Api-Key': { env: 'PROXY_KEY' } },
      },
    });
  });

  it('refuse a bearer token written in place of the variable that holds it', () => {
    const text = config(
      '0s',
      '    http:',
      '      url: https://web/health',
      '      auth: { bearer: { tokenEnv: "abc.def-123" } }',
    );
    expect(configErrors(text)).toEqual([
      'tranche.yml:14:35 checks.check.http.auth.bearer.tokenEnv: expected an environment variable name',
    ]);
  });
});
