import { afterEach, describe, expect, it } from 'vitest';
import { runAnalysisCheck } from '../../src/checks/analysis.ts';
import type { AnalysisCheckSpec, SeriesMetricSpec } from '../../src/checks/check-specs.ts';
import {
  type CannedPrometheus,
  cannedPrometheus,
  matrix,
  type Reply,
  vector,
} from '../support/canned-prometheus.ts';
import { batchContext } from './context.ts';

const START = 1_700_000_000_000;
let server: CannedPrometheus | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAILURES = 'sum(increase(req{t=~"{targets}",code="500"}[{window}]))';
const TOTAL = 'sum(increase(req{t=~"{targets}"}[{window}]))';

const batch = batchContext;

/** Answers failures and totals per arm, told apart by the canary's name in the query. */
function counts(arms: { canary: [number, number] | 'none'; baseline: [number, number] | 'none' }) {
  return (_path: string, params: URLSearchParams): Reply => {
    const query = params.get('query') ?? '';
    const arm = query.includes('web\\\\.1') ? arms.canary : arms.baseline;
    if (arm === 'none') return vector();
    return vector({ value: String(query.includes('code="500"') ? arm[0] : arm[1]) });
  };
}

async function analyse(
  reply: (path: string, params: URLSearchParams) => Reply,
  spec: Partial<Omit<AnalysisCheckSpec, 'observes'>> = {},
  context = batch(),
) {
  server = await cannedPrometheus(reply);
  const full: AnalysisCheckSpec = {
    kind: 'analysis',
    observes: 'batch',
    name: 'errors',
    server: server.url,
    metric: { type: 'counts', failures: FAILURES, total: TOTAL, minEffect: 1.5 },
    alpha: 0.01,
    onInconclusive: 'pass',
    timeoutMs: 2_000,
    ...spec,
  };
  return runAnalysisCheck(full, context, { fetchImpl: fetch });
}

describe('runAnalysisCheck', () => {
  describe('on counts', () => {
    it('queries each arm over the window, its targets as an escaped alternation, at now', async () => {
      await analyse(counts({ canary: [10, 1000], baseline: [20, 2000] }));
      const queries = server?.seen.map((s) => s.params.get('query')).sort();
      expect(queries).toEqual([
        'sum(increase(req{t=~"(?:web-2|web-3)",code="500"}[60s]))',
        'sum(increase(req{t=~"(?:web-2|web-3)"}[60s]))',
        'sum(increase(req{t=~"(?:web\\\\.1)",code="500"}[60s]))',
        'sum(increase(req{t=~"(?:web\\\\.1)"}[60s]))',
      ]);
      expect(server?.seen.every((s) => s.params.get('time') === '1700000060')).toBe(true);
    });

    it('fails a canary that fails far more often, with the e-value against 1/alpha', async () => {
      const result = await analyse(counts({ canary: [60, 1000], baseline: [40, 2000] }));
      expect(result).toMatchObject({
        status: 'fail',
        metric: 'e-value',
        scale: 'log',
        threshold: { max: 100 },
      });
      expect(result.value).toBeGreaterThanOrEqual(100);
      expect(result.message).toMatch(
        /^canary 6\.00% \(60\/1000\) vs baseline 2\.00% \(40\/2000\): ratio 3\.00, at most \d+\.\d\d; e-value \S+ ≥ 100\.00: the canary fails more often$/,
      );
      expect(result.evidence).toMatchObject({
        test: 'rate-ratio',
        decision: 'fail',
        canaryFailures: 60,
        canaryRequests: 1000,
        baselineFailures: 40,
        baselineRequests: 2000,
        minEffect: 1.5,
        windowSeconds: 60,
        final: false,
      });
    });

    it('spends its share of alpha when the rollout compares in several batches', async () => {
      const strong = counts({ canary: [60, 1000], baseline: [40, 2000] });
      const alone = await analyse(strong);
      const shared = await analyse(strong, {}, batch({ comparisons: 4 }));
      expect(alone).toMatchObject({ threshold: { max: 100 }, evidence: { alpha: 0.01 } });
      expect(shared).toMatchObject({ threshold: { max: 400 }, evidence: { alpha: 0.0025 } });
      expect(shared.value).toBe(alone.value);
    });

    it('counts a missing failures series as no failures', async () => {
      const result = await analyse((path, params) =>
        (params.get('query') ?? '').includes('code="500"') &&
        (params.get('query') ?? '').includes('web\\\\.1')
          ? vector()
          : counts({ canary: [0, 1000], baseline: [20, 2000] })(path, params),
      );
      expect(result.evidence).toMatchObject({ canaryFailures: 0, canaryRequests: 1000 });
      expect(result.status).toBe('pass');
      expect(result.message).not.toContain('no series');
    });

    it('says so when the failures query returns no series for either arm', async () => {
      const result = await analyse((path, params) =>
        (params.get('query') ?? '').includes('code="500"')
          ? vector()
          : counts({ canary: [0, 1000], baseline: [0, 2000] })(path, params),
      );
      expect(result.evidence).toMatchObject({ canaryFailures: 0, baselineFailures: 0 });
      expect(result.message).toMatch(
        /\(the failures query returned no series for either arm: counted as 0\)$/,
      );
    });

    describe('when the data neither show nor rule out a regression', () => {
      const alike = counts({ canary: [10, 1000], baseline: [20, 2000] });

      it('is inconclusive during the bake, failing nothing', async () => {
        const result = await analyse(alike);
        expect(result.status).toBe('inconclusive');
        expect(result.message).toMatch(/^inconclusive so far: /);
      });

      it('stays inconclusive at the end of the bake with onInconclusive: pass, and says the rollout goes on', async () => {
        const result = await analyse(alike, {}, batch({ final: true }));
        expect(result.status).toBe('inconclusive');
        expect(result.message).toMatch(
          /^inconclusive at the end of the bake; onInconclusive: pass lets the rollout go on: /,
        );
      });

      it('fails at the end of the bake with onInconclusive: fail', async () => {
        const result = await analyse(alike, { onInconclusive: 'fail' }, batch({ final: true }));
        expect(result.status).toBe('fail');
        expect(result.message).toMatch(/^inconclusive at the end of the bake \(onInconclusive: fail\): /);
      });
    });

    it('passes once the data rule out a regression of minEffect', async () => {
      const result = await analyse(counts({ canary: [1000, 100_000], baseline: [2000, 200_000] }));
      expect(result.status).toBe('pass');
      expect(result.message).toContain('a ratio of 1.5 or more is ruled out');
    });

    describe('without data', () => {
      const empty = counts({ canary: 'none', baseline: [20, 2000] });

      it('waits during the bake', async () => {
        expect(await analyse(empty)).toMatchObject({
          status: 'inconclusive',
          message: 'waiting for data: no canary requests in the window',
        });
      });

      it('is no data at the end of the bake, never a pass', async () => {
        const result = await analyse(empty, { onInconclusive: 'pass' }, batch({ final: true }));
        expect(result).toMatchObject({
          status: 'no_data',
          message: 'no data to compare at the end of the bake: no canary requests in the window',
        });
      });

      it('waits while the window is shorter than a second, asking nothing', async () => {
        const result = await analyse(empty, {}, batch({ now: START + 500 }));
        expect(result).toMatchObject({
          status: 'inconclusive',
          message: 'waiting for data: the window is only 0.50 s long',
        });
        expect(server?.seen).toEqual([]);
      });
    });

    it('errors at once when Prometheus does', async () => {
      const result = await analyse(() => ({
        status: 422,
        json: { status: 'error', errorType: 'execution', error: 'too many samples' },
      }));
      expect(result.status).toBe('error');
      expect(result.message).toMatch(
        /^(canary|baseline) (failures|requests): Prometheus answered 422: execution: too many samples$/,
      );
    });

    it('errors when an arm’s query is not aggregated to one series', async () => {
      const result = await analyse(() =>
        vector({ labels: { t: 'web-2' }, value: '1' }, { labels: { t: 'web-3' }, value: '1' }),
      );
      expect(result.status).toBe('error');
      expect(result.message).toContain('aggregate the arm with sum()');
    });

    it('errors when failures exceed requests', async () => {
      const result = await analyse(counts({ canary: [500, 100], baseline: [1, 100] }));
      expect(result).toMatchObject({
        status: 'error',
        message: 'canary: 500.00 failures of only 100.00 requests; check the queries',
      });
    });
  });

  describe('on a series', () => {
    const steps = (values: number[]) =>
      values.map((v, i) => [1_700_000_010 + 10 * i, String(v)] as [number, string]);
    const series = (canary: number[], baseline: number[]) => (_path: string, params: URLSearchParams) =>
      matrix({ values: steps((params.get('query') ?? '').includes('web\\\\.1') ? canary : baseline) });
    const metric = (test: SeriesMetricSpec['test']): SeriesMetricSpec => ({
      type: 'series',
      query: 'histogram_quantile(0.95, sum by (le) (rate(b{t=~"{targets}"}[{step}])))',
      stepMs: 10_000,
      direction: 'increase',
      test,
    });
    const baseline = [0.1, 0.11, 0.1, 0.12, 0.1, 0.11, 0.1, 0.12, 0.1, 0.11];
    const slower = baseline.map((v) => v * 1.5);

    it('asks for the steps since the window opened, {step} filled in', async () => {
      await analyse(series(slower, baseline), { metric: metric({ kind: 'sequential', minEffect: 0.1 }) });
      const params = server?.seen[0]?.params;
      expect(params?.get('query')).toMatch(/\[10s\]\)\)\)$/);
      expect(Object.fromEntries(params ?? [])).toMatchObject({
        start: '1700000010',
        end: '1700000060',
        step: '10',
      });
    });

    it('fails a canary worse at every step with the sequential sign test', async () => {
      const result = await analyse(series(slower, baseline), {
        metric: metric({ kind: 'sequential', minEffect: 0.1 }),
      });
      expect(result).toMatchObject({ status: 'fail', metric: 'e-value', scale: 'log' });
      expect(result.message).toMatch(/^canary worse in 10 of 10 steps, by 50\.0% \(median\)/);
    });

    describe('with the Mann-Whitney judge', () => {
      const judge = metric({
        kind: 'mann-whitney',
        confidence: 0.98,
        tolerance: 0.25,
        allowedIncrease: 1,
        allowedDecrease: 1,
      });

      it('decides nothing before the end of the bake: it is a fixed-horizon test', async () => {
        const result = await analyse(series(slower, baseline), { metric: judge });
        expect(result).toMatchObject({ status: 'inconclusive', value: undefined });
        expect(result.message).toContain(
          'fixed-horizon test: it judges 10 steps so far at the end of the bake',
        );
      });

      it('classifies a clearly slower canary as high at the end of the bake', async () => {
        const result = await analyse(series(slower, baseline), { metric: judge }, batch({ final: true }));
        expect(result.status).toBe('fail');
        expect(result.message).toMatch(/^Mann-Whitney over 10 steps: high: /);
        expect(result.evidence).toMatchObject({ test: 'mann-whitney', classification: 'high', steps: 10 });
      });

      it('passes alike arms at the end of the bake', async () => {
        const result = await analyse(
          series(baseline, [...baseline].reverse()),
          { metric: judge },
          batch({ final: true }),
        );
        expect(result.status).toBe('pass');
      });
    });
  });
});
