import { afterEach, describe, expect, it } from 'vitest';
import { runAnalysisCheck } from '../../src/checks/analysis.ts';
import type { AnalysisCheckSpec, CountsMetricSpec, SeriesMetricSpec } from '../../src/checks/check-specs.ts';
import { type CannedPrometheus, cannedPrometheus, matrix, type Reply } from '../support/canned-prometheus.ts';
import { batchContext } from './context.ts';

const START = 1_700_000_000_000;
let server: CannedPrometheus | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAILURES = 'req{t=~"{targets}",code="500"}';
const TOTAL = 'req{t=~"{targets}"}';

const batch = batchContext;
const WINDOW_START = START / 1000;

type Samples = [number, string][];

/** One counter series that rose by `rise` over the window: a sample before it opened, one at the look. */
const risen = (rise: number): Samples => [
  [WINDOW_START - 5, '1000'],
  [WINDOW_START + 60, String(1000 + rise)],
];

/**
 * Answers each arm's raw counter samples (failures and totals, told apart by the canary's name
 * and the code matcher in the selector).
 */
function counts(arms: { canary: [number, number] | 'none'; baseline: [number, number] | 'none' }) {
  return (_path: string, params: URLSearchParams): Reply => {
    const query = params.get('query') ?? '';
    const arm = query.includes('web\\\\.1') ? arms.canary : arms.baseline;
    if (arm === 'none') return matrix();
    return matrix({ values: risen(query.includes('code="500"') ? arm[0] : arm[1]) });
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
    metric: { type: 'counts', failures: FAILURES, total: TOTAL, minEffect: 1.5, absentFailures: 'no-data' },
    alpha: 0.01,
    onInconclusive: 'pass',
    failOn: 'beyond-min-effect',
    timeoutMs: 2_000,
    ...spec,
  };
  return runAnalysisCheck(full, context, { fetchImpl: fetch });
}

const countsMetric = (options: Partial<CountsMetricSpec>): CountsMetricSpec => ({
  type: 'counts',
  failures: FAILURES,
  total: TOTAL,
  minEffect: 1.5,
  absentFailures: 'no-data',
  ...options,
});

describe('runAnalysisCheck', () => {
  describe('on counts', () => {
    it('reads each arm’s raw counter samples from Prometheus’ lookback before the window to the look, its targets as an escaped alternation', async () => {
      await analyse(counts({ canary: [10, 1000], baseline: [20, 2000] }));
      const queries = server?.seen.map((s) => s.params.get('query')).sort();
      expect(queries).toEqual([
        'req{t=~"(?:web-2|web-3)",code="500"}[360000ms]',
        'req{t=~"(?:web-2|web-3)"}[360000ms]',
        'req{t=~"(?:web\\\\.1)",code="500"}[360000ms]',
        'req{t=~"(?:web\\\\.1)"}[360000ms]',
      ]);
      expect(server?.seen.every((s) => s.path === '/api/v1/query')).toBe(true);
      expect(server?.seen.every((s) => s.params.get('time') === '1700000060')).toBe(true);
    });

    describe('counts what the counters recorded, without increase()’s extrapolation', () => {
      // Scrapes 15 s apart around a window from :00 to :40: increase() over [40s] would scale the
      // rise between its first and last sample (:05 to :35) out to the window's edges.
      const canary: Samples = [
        [WINDOW_START - 10, '100'],
        [WINDOW_START + 5, '151'],
        [WINDOW_START + 20, '30'],
        [WINDOW_START + 35, '80'],
      ];
      const reply = (_path: string, params: URLSearchParams): Reply => {
        const query = params.get('query') ?? '';
        const failures = query.includes('code="500"');
        if (query.includes('web\\\\.1'))
          return matrix({ values: failures ? canary : canary.map(([t, v]) => [t, String(Number(v) * 10)]) });
        return matrix({ values: failures ? risen(100) : risen(10_000) });
      };

      it('takes the rise from the last sample before the window, a counter reset counting from zero', async () => {
        const result = await analyse(reply, {}, batch({ now: START + 40_000 }));
        // 151 − 100, then a reset to 30, then 80 − 30: 51 + 30 + 50.
        expect(result.evidence).toMatchObject({ canaryFailures: 131, canaryRequests: 1310 });
      });

      it('counts a series born in the window from zero', async () => {
        const born = (_path: string, params: URLSearchParams): Reply => {
          const query = params.get('query') ?? '';
          if (query.includes('web\\\\.1') && query.includes('code="500"'))
            return matrix({ values: [[WINDOW_START + 30, '3']] });
          return counts({ canary: [0, 1000], baseline: [20, 2000] })(_path, params);
        };
        const result = await analyse(born);
        expect(result.evidence).toMatchObject({ canaryFailures: 3, canaryRequests: 1000 });
      });

      it('adds up the series the selector matches', async () => {
        const two = (_path: string, params: URLSearchParams): Reply => {
          const query = params.get('query') ?? '';
          if (!query.includes('web\\\\.1'))
            return counts({ canary: 'none', baseline: [20, 2000] })(_path, params);
          const rise = query.includes('code="500"') ? 5 : 500;
          return matrix(
            { labels: { t: 'a' }, values: risen(rise) },
            { labels: { t: 'b' }, values: risen(rise) },
          );
        };
        const result = await analyse(two);
        expect(result.evidence).toMatchObject({ canaryFailures: 10, canaryRequests: 1000 });
      });
    });

    it('fails a canary that fails far more often than minEffect allows, with the e-value against 1/alpha', async () => {
      const result = await analyse(counts({ canary: [100, 1000], baseline: [40, 2000] }));
      expect(result).toMatchObject({
        status: 'fail',
        metric: 'e-value',
        scale: 'log',
        threshold: { max: 100 },
      });
      expect(result.value).toBeGreaterThanOrEqual(100);
      expect(result.message).toMatch(
        /^canary 10\.00% \(100\/1000\) vs baseline 2\.00% \(40\/2000\): ratio 5\.00, at most \d+\.\d\d; e-value \S+ ≥ 100\.00: the canary fails more than 1\.5× as often$/,
      );
      expect(result.evidence).toMatchObject({
        test: 'rate-ratio',
        decision: 'fail',
        failOn: 'beyond-min-effect',
        nullRatio: 1.5,
        canaryFailures: 100,
        canaryRequests: 1000,
        baselineFailures: 40,
        baselineRequests: 2000,
        minEffect: 1.5,
        windowSeconds: 60,
        final: false,
      });
    });

    describe('a shift below minEffect', () => {
      // 1.2× the baseline's failure rate on a million requests: real, and tolerated by minEffect 1.5.
      const shifted = counts({ canary: [12_000, 1_000_000], baseline: [10_000, 1_000_000] });

      it('is not rolled back: it passes once a regression of minEffect is ruled out', async () => {
        const result = await analyse(shifted);
        expect(result).toMatchObject({ status: 'pass', evidence: { nullRatio: 1.5 } });
      });

      it('fails with failOn: any-regression, the test against "no worse at all"', async () => {
        const result = await analyse(shifted, { failOn: 'any-regression' });
        expect(result).toMatchObject({
          status: 'fail',
          evidence: { nullRatio: 1, failOn: 'any-regression' },
        });
        expect(result.message).toMatch(/the canary fails more often$/);
      });
    });

    it('spends its share of alpha when the rollout compares in several batches', async () => {
      const strong = counts({ canary: [100, 1000], baseline: [40, 2000] });
      const alone = await analyse(strong);
      const shared = await analyse(strong, {}, batch({ comparisons: 4 }));
      expect(alone).toMatchObject({ threshold: { max: 100 }, evidence: { alpha: 0.01 } });
      expect(shared).toMatchObject({ threshold: { max: 400 }, evidence: { alpha: 0.0025 } });
      expect(shared.value).toBe(alone.value);
    });

    describe('when the failures selector matches no series', () => {
      // A 5× regression whose failures selector (code="5xx") matches nothing in the canary.
      const unmatched = (_path: string, params: URLSearchParams): Reply =>
        (params.get('query') ?? '').includes('code="500"') &&
        (params.get('query') ?? '').includes('web\\\\.1')
          ? matrix()
          : counts({ canary: [0, 1000], baseline: [20, 2000] })(_path, params);

      it('waits for data during the bake rather than count zero failures', async () => {
        expect(await analyse(unmatched)).toMatchObject({
          status: 'inconclusive',
          message:
            'waiting for data: the failures selector matches no canary series (absentFailures: zero counts that as no failures)',
        });
      });

      it('is no data at the end of the bake, so onInconclusive: pass cannot let it through', async () => {
        const result = await analyse(unmatched, { onInconclusive: 'pass' }, batch({ final: true }));
        expect(result.status).toBe('no_data');
      });

      it('counts zero failures when absentFailures: zero opts in, and says so', async () => {
        const result = await analyse(unmatched, { metric: countsMetric({ absentFailures: 'zero' }) });
        expect(result.evidence).toMatchObject({ canaryFailures: 0, absentFailures: 'canary' });
        expect(result.message).toMatch(
          /\(the failures selector matched no canary series: counted as 0 failures, absentFailures: zero\)$/,
        );
      });
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

    it('errors when failures exceed requests', async () => {
      const result = await analyse(counts({ canary: [500, 100], baseline: [1, 100] }));
      expect(result).toMatchObject({
        status: 'error',
        message: 'canary: 500.00 failures of only 100.00 requests; check the selectors',
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
      expect(result.message).toMatch(
        /^canary worse by more than 10\.0% in 10 of 10 steps, by 50\.0% \(median\)/,
      );
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

      it('records the alpha it spends and the interval level that spends it', async () => {
        const result = await analyse(series(slower, baseline), { metric: judge }, batch({ final: true }));
        expect(result.evidence).toMatchObject({ alpha: 0.01, confidence: 0.98 });
      });

      it('raises the interval’s level to its share of alpha when several batches compare', async () => {
        const result = await analyse(
          series(slower, baseline),
          { metric: judge },
          batch({ final: true, comparisons: 4 }),
        );
        // One-sided (increase): 1 − 2 × 0.01/4.
        expect(result.evidence).toMatchObject({ alpha: 0.0025, confidence: 0.995 });
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
