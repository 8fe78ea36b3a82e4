/**
 * Against a real Prometheus (Debian's package) scraping a fake service every second: the
 * per-target checks, and a real deploy through the CLI whose analysis check lets a healthy
 * version through and rolls a regression back.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisCheckSpec, PrometheusCheckSpec } from '../../src/checks/check-specs.ts';
import { createChecker } from '../../src/checks/checker.ts';
import type { Executor } from '../../src/engine/ports.ts';
import type { DeployResult } from '../../src/engine/result.ts';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { type FakeMetrics, startFakeMetrics } from '../support/fake-metrics.ts';
import { type PrometheusServer, prometheusUnavailable, startPrometheus } from '../support/prometheus.ts';
import { batchContext, context } from './context.ts';

const TARGETS = ['web-1', 'web-2', 'web-3'];
const unavailable = prometheusUnavailable();

describe.skipIf(unavailable !== undefined)('with a real Prometheus', () => {
  let prometheus: PrometheusServer;
  let fake: FakeMetrics;
  const fleet = project({ 'deploy.sh': RECORDING_DEPLOY });

  beforeAll(async () => {
    // slow-1 runs the regression from the start: the analysis of latency compares it with web-2 and web-3.
    mkdirSync(fleet.path('state'), { recursive: true });
    writeFileSync(fleet.path('state/slow-1'), '2\n');
    fake = await startFakeMetrics({
      targets: [...TARGETS, 'slow-1'],
      stateDir: fleet.path('state'),
      requestsPerSecond: 200,
      // Version 2 is the regression: 30 % errors and twice the latency.
      behaviourOf: (version) =>
        version === '2' ? { errorRate: 0.3, medianSeconds: 0.2 } : { errorRate: 0.01, medianSeconds: 0.1 },
    });
    prometheus = await startPrometheus({ scrape: [fake.address] });
    // The first samples take a scrape or two to land: wait for every target's series, then for
    // two samples each so rate() and increase() have something to work with.
    await prometheus.waitForSeries('fake_requests_total', TARGETS.length * 2);
    await prometheus.waitForSeries('count_over_time(fake_requests_total[10s]) >= 3', TARGETS.length * 2);
  }, 60_000);

  const versionOf = (target: string) => readFileSync(fleet.path(`state/${target}`), 'utf8').trim();

  afterAll(async () => {
    await prometheus?.stop();
    await fake?.stop();
    fleet.dispose();
  });

  describe('a prometheus check', () => {
    const executor: Executor = {
      run: () => {
        throw new Error('a prometheus check runs no command');
      },
    };
    const checker = () => createChecker({ executor });
    const errorRatio =
      'sum(rate(fake_requests_total{target="{target}",code="500"}[5s])) / sum(rate(fake_requests_total{target="{target}"}[5s]))';
    const spec = (options: Partial<PrometheusCheckSpec>): PrometheusCheckSpec => ({
      kind: 'prometheus',
      name: 'errors',
      server: prometheus.url,
      query: errorRatio,
      timeoutMs: 5_000,
      ...options,
    });

    it('passes a target whose error ratio is within max, recording the ratio', async () => {
      const result = await checker().run(spec({ max: 0.05 }), context({ name: 'web-1' }), fleet.dir);
      expect(result).toMatchObject({ status: 'pass', threshold: { max: 0.05 } });
      expect(result.value).toBeCloseTo(0.01, 3);
      expect(result.message).toBe('OK: errors (0.01) is within limits (max 0.05)');
    });

    it('fails a target whose value breaks max, with a verdict line', async () => {
      const rate = 'sum(rate(fake_requests_total{target="{target}"}[5s]))';
      const result = await checker().run(
        spec({ query: rate, max: 50 }),
        context({ name: 'web-2' }),
        fleet.dir,
      );
      expect(result.status).toBe('fail');
      expect(result.value).toBeGreaterThan(50);
      expect(result.message).toMatch(
        /^CRITICAL: errors \(\d+\.\d\d\) is greater than maximum allowed \(50\.00\)$/,
      );
    });

    it('reports no data, not a pass, for a target without series', async () => {
      const result = await checker().run(spec({ max: 0.05 }), context({ name: 'nowhere' }), fleet.dir);
      expect(result).toMatchObject({
        status: 'no_data',
        message: 'the query returned no series for nowhere',
      });
    });

    it('errors with Prometheus’ own words for a query it rejects', async () => {
      const result = await checker().run(
        spec({ query: 'sum(rate(fake_requests_total[5s]' }),
        context(),
        fleet.dir,
      );
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/^Prometheus answered 400: bad_data: .*parse error/);
    });

    it('fails a deviation from a baseline series with seed 000’s verdict line', async () => {
      const rate = (target: string) => `sum(rate(fake_requests_total{target="${target}"}[2s])) * 2`;
      const result = await checker().run(
        spec({
          query: 'sum(rate(fake_requests_total{target="{target}"}[2s]))',
          range: { rangeMs: 3_000, stepMs: 1_000, reduce: 'max' },
          deviation: { baseline: rate('{target}') },
          max: 100,
        }),
        context({ name: 'web-3' }),
        fleet.dir,
      );
      expect(result).toMatchObject({ status: 'fail', metric: 'deviation' });
      expect(result.value).toBeGreaterThan(150);
      expect(result.message).toMatch(
        /^CRITICAL: Deviation \(\d+\.\d\d\) is greater than maximum allowed \(100\.00\)$/,
      );
    });

    it('passes a steady series against its own recent history', async () => {
      const result = await checker().run(
        spec({
          query: 'sum(rate(fake_requests_total{target="{target}"}[2s]))',
          range: { rangeMs: 2_000, stepMs: 1_000, reduce: 'max' },
          deviation: { historyMs: 1_000 },
          max: 20,
        }),
        context({ name: 'web-3' }),
        fleet.dir,
      );
      expect(result).toMatchObject({ status: 'pass', metric: 'deviation' });
      expect(result.message).toMatch(/^OK: Deviation \(\d+\.\d\d\) is within limits \(max 20\.00\)$/);
    });
  });

  describe('a deploy with an analysis check of errors, canary against baseline', () => {
    const deploy = async () => {
      const run = await runCli(['deploy', '--json'], { cwd: fleet.dir });
      return { ...run, result: JSON.parse(run.stdout) as DeployResult };
    };

    it('lets a healthy version through, then catches a regression in the first batch and rolls it back', async () => {
      writeFileSync(fleet.path('tranche.yml'), config(prometheus.url));
      const healthy = await deploy();
      expect(healthy.result).toMatchObject({ decision: 'succeeded', version: '1' });
      expect(TARGETS.map(versionOf)).toEqual(['1', '1', '1']);

      const bad = await deploy();
      expect(bad.code).toBe(1);
      expect(bad.result).toMatchObject({ decision: 'rolled_back', reasonCode: 'check_failed', version: '2' });
      expect(bad.result.message).toMatch(
        /^check errors on 1 canary vs 2 baselines: canary \d+\.\d\d% .* the canary fails more than 1\.5× as often$/,
      );
      expect(bad.result.rolledBack).toEqual([
        { component: 'app', target: 'web-1', from: '2', to: '1', status: 'rolled_back' },
      ]);
      expect(TARGETS.map(versionOf)).toEqual(['1', '1', '1']);
      const series = bad.result.checks.find((c) => c.check === 'errors');
      expect(series?.max).toBe(100);
      expect(series?.points.at(-1)?.value).toBeGreaterThanOrEqual(100);
    }, 60_000);
  });

  describe('an analysis of p95 latency, canary against baseline', () => {
    it('finds the slower canary with the sequential sign test over the steps so far', async () => {
      // Ten 2-s steps of history, so the e-value can reach 1/alpha (it needs seven worse steps at
      // 0.05); by now the deploy above has usually let them accumulate.
      await prometheus.waitForSeries(
        'count_over_time(fake_requests_total{target="slow-1",code="200"}[20s]) >= 18',
        1,
      );
      const spec: AnalysisCheckSpec = {
        kind: 'analysis',
        observes: 'batch',
        name: 'p95',
        server: prometheus.url,
        metric: {
          type: 'series',
          query:
            'histogram_quantile(0.95, sum by (le) (rate(fake_request_duration_seconds_bucket{target=~"{targets}"}[{step}])))',
          stepMs: 2_000,
          direction: 'increase',
          test: { kind: 'sequential', minEffect: 0.1 },
        },
        alpha: 0.05,
        onInconclusive: 'pass',
        failOn: 'beyond-min-effect',
        timeoutMs: 5_000,
      };
      const now = Date.now();
      const executor: Executor = { run: () => Promise.reject(new Error('no commands here')) };
      const result = await createChecker({ executor }).runBatch?.(
        spec,
        batchContext({ canaries: [{ name: 'slow-1', labels: {} }], windowStart: now - 20_000, now }),
      );
      expect(result).toMatchObject({
        check: 'p95',
        status: 'fail',
        metric: 'e-value',
        evidence: { test: 'sign', decision: 'fail' },
      });
      expect(result?.message).toMatch(
        /^canary worse by more than 10\.0% in (\d+) of \1 steps, by \d+\.\d% \(median\)/,
      );
    });
  });

  describe('an analysis of counts, web-2 against web-3', () => {
    const counts = (failures: string): AnalysisCheckSpec => ({
      kind: 'analysis',
      observes: 'batch',
      name: 'errors',
      server: prometheus.url,
      metric: {
        type: 'counts',
        failures,
        total: 'fake_requests_total{target=~"{targets}"}',
        minEffect: 1.5,
        absentFailures: 'no-data',
      },
      alpha: 0.01,
      onInconclusive: 'pass',
      failOn: 'beyond-min-effect',
      timeoutMs: 5_000,
    });
    const executor: Executor = { run: () => Promise.reject(new Error('no commands here')) };
    const arms = { canaries: [{ name: 'web-2', labels: {} }], baselines: [{ name: 'web-3', labels: {} }] };
    /** The counter's value at an instant (its last sample at or before it), by an instant query. */
    const counterAt = async (selector: string, ms: number) => {
      const body = new URLSearchParams({ query: `sum(${selector})`, time: String(ms / 1000) });
      const response = await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body });
      const json = (await response.json()) as { data: { result: { value: [number, string] }[] } };
      return Number(json.data.result[0]?.value[1]);
    };

    it('counts what the counters recorded between the deploy’s end and the look, not increase()’s extrapolation', async () => {
      // A window that does not start on a scrape: increase() would scale its samples to the edges.
      const now = Date.now() - 1_500;
      const windowStart = now - 4_300;
      const result = await createChecker({ executor }).runBatch?.(
        counts('fake_requests_total{target=~"{targets}",code="500"}'),
        batchContext({ ...arms, windowStart, now }),
      );
      const rise = async (selector: string) =>
        (await counterAt(selector, now)) - (await counterAt(selector, windowStart));
      expect(result?.evidence?.canaryRequests).toBeCloseTo(
        await rise('fake_requests_total{target="web-2"}'),
        6,
      );
      expect(result?.evidence?.canaryFailures).toBeCloseTo(
        await rise('fake_requests_total{target="web-2",code="500"}'),
        6,
      );
      expect(result?.evidence?.baselineRequests).toBeCloseTo(
        await rise('fake_requests_total{target="web-3"}'),
        6,
      );
    });

    it('is no data at the end of the bake when the failures selector matches nothing, never a pass', async () => {
      const now = Date.now() - 1_500;
      const result = await createChecker({ executor }).runBatch?.(
        counts('fake_requests_total{target=~"{targets}",code="5xx"}'),
        batchContext({ ...arms, windowStart: now - 5_000, now, final: true }),
      );
      expect(result).toMatchObject({ status: 'no_data' });
      expect(result?.message).toContain('the failures selector matches no canary series');
    });
  });
});

function config(server: string): string {
  return `service: shop
version: "{n}"
environments:
  prod:
    components:
      - name: app
        targets: [${TARGETS.join(', ')}]
        deploy: ./deploy.sh
        timeout: 20s
        rollout: { first: 1, growth: 2, bake: 5s, checkEvery: 1s }
        checks: [errors]
checks:
  errors:
    analysis:
      url: ${server}
      counts:
        failures: 'fake_requests_total{target=~"{targets}",code="500"}'
        total: 'fake_requests_total{target=~"{targets}"}'
      scrapeInterval: 1s
`;
}
