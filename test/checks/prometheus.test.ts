import { afterEach, describe, expect, it } from 'vitest';
import type { PrometheusCheckSpec } from '../../src/checks/check-specs.ts';
import { runPrometheusCheck } from '../../src/checks/prometheus.ts';
import {
  type CannedPrometheus,
  cannedPrometheus,
  matrix,
  type Reply,
  vector,
} from '../support/canned-prometheus.ts';
import { context } from './context.ts';

const NOW = 1_700_000_000_000;
let server: CannedPrometheus | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function check(
  reply: (path: string, params: URLSearchParams) => Reply,
  options: Partial<PrometheusCheckSpec> = {},
  target = { name: 'web-1', labels: { zone: 'eu"1' } },
) {
  server = await cannedPrometheus(reply);
  const spec: PrometheusCheckSpec = {
    kind: 'prometheus',
    name: 'error-ratio',
    server: server.url,
    query: 'sum(rate(errors{instance="{target}",zone="{labels.zone}"}[1m]))',
    max: 0.05,
    timeoutMs: 2_000,
    ...options,
  };
  return runPrometheusCheck(spec, context(target), { fetchImpl: fetch, now: () => NOW });
}

describe('runPrometheusCheck', () => {
  describe('with an instant query', () => {
    it('POSTs the form-encoded query, its placeholders escaped, at the current time', async () => {
      await check(() => vector({ value: '0.01' }));
      expect(server?.seen).toEqual([
        {
          method: 'POST',
          path: '/api/v1/query',
          contentType: 'application/x-www-form-urlencoded',
          params: new URLSearchParams({
            query: 'sum(rate(errors{instance="web-1",zone="eu\\"1"}[1m]))',
            time: '1700000000',
          }),
        },
      ]);
    });

    it('passes a value within max, with an OK verdict line', async () => {
      const result = await check(() => vector({ value: '0.01' }));
      expect(result).toMatchObject({ status: 'pass', value: 0.01, threshold: { max: 0.05 } });
      expect(result.message).toBe('OK: error-ratio (0.01) is within limits (max 0.05)');
    });

    it('fails a value above max with a CRITICAL verdict line', async () => {
      const result = await check(() => vector({ value: '0.2' }));
      expect(result).toMatchObject({ status: 'fail', value: 0.2 });
      expect(result.message).toBe('CRITICAL: error-ratio (0.20) is greater than maximum allowed (0.05)');
    });

    it('takes a scalar result as the value', async () => {
      const reply = { json: { status: 'success', data: { resultType: 'scalar', result: [1, '0.03'] } } };
      expect(await check(() => reply)).toMatchObject({ status: 'pass', value: 0.03 });
    });
  });

  describe('never passes', () => {
    it.each([
      ['no series', vector(), 'no_data', 'the query returned no series for web-1'],
      [
        'NaN',
        vector({ value: 'NaN' }),
        'no_data',
        'the query returned NaN (0/0: no requests in the window?)',
      ],
      ['+Inf', vector({ value: '+Inf' }), 'error', 'the query returned +Inf (a division by zero?)'],
    ])('on %s', async (_what, reply, status, message) => {
      expect(await check(() => reply)).toMatchObject({ status, message });
    });

    it('on several series, asking for an aggregation', async () => {
      const result = await check(() =>
        vector({ labels: { code: '500' }, value: '1' }, { labels: { code: '503' }, value: '2' }),
      );
      expect(result.status).toBe('error');
      expect(result.message).toContain(
        'returned 2 series ({code="500"}, {code="503"}); a check needs one: aggregate',
      );
    });

    it('on a Prometheus error, in its words', async () => {
      const reply = {
        status: 400,
        json: { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' },
      };
      expect(await check(() => reply)).toMatchObject({
        status: 'error',
        message: 'Prometheus answered 400: bad_data: parse error at char 5',
      });
    });

    it('on a warning, since the result may be partial', async () => {
      const reply = {
        json: {
          status: 'success',
          warnings: ['store eu-1 unreachable'],
          data: { resultType: 'vector', result: [] },
        },
      };
      expect(await check(() => reply)).toMatchObject({
        status: 'error',
        message: 'Prometheus warned that the result may be partial: store eu-1 unreachable',
      });
    });

    it('on an answer that is not the API’s JSON', async () => {
      const result = await check(() => ({ status: 502, text: '<html>Bad Gateway</html>' }));
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/answered 502 with a body that is not JSON: <html>Bad Gateway<\/html>$/);
    });

    it('when the server cannot be reached', async () => {
      const result = await runPrometheusCheck(
        { kind: 'prometheus', name: 'x', server: 'http://127.0.0.1:9', query: 'up', timeoutMs: 2_000 },
        context(),
        { fetchImpl: fetch, now: () => NOW },
      );
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/^POST http:\/\/127\.0\.0\.1:9\/api\/v1\/query failed: /);
    });

    it('on a placeholder outside quotes, before asking Prometheus anything', async () => {
      const result = await check(() => vector({ value: '1' }), { query: 'up{instance={target}}' });
      expect(result.status).toBe('error');
      expect(server?.seen).toEqual([]);
    });
  });

  describe('with a range query', () => {
    const series = matrix({
      values: [
        [1_699_999_940, '1'],
        [1_699_999_970, '4'],
        [1_700_000_000, '2'],
      ],
    });

    it('asks for the last range at the step and reduces the series', async () => {
      const result = await check(() => series, {
        range: { rangeMs: 60_000, stepMs: 30_000, reduce: 'mean' },
        max: 5,
      });
      expect(result).toMatchObject({ status: 'pass', value: 7 / 3, metric: 'mean' });
      expect(Object.fromEntries(server?.seen[0]?.params ?? [])).toMatchObject({
        start: '1699999940',
        end: '1700000000',
        step: '30',
      });
    });

    it('fills {range} outside quotes', async () => {
      await check(() => series, {
        query: 'max_over_time(x[{range}])',
        range: { rangeMs: 300_000, stepMs: 15_000, reduce: 'max' },
      });
      expect(server?.seen[0]?.params.get('query')).toBe('max_over_time(x[300s])');
    });
  });

  describe('with a deviation', () => {
    it('fails with seed 000’s verdict line when the series strays from its baseline', async () => {
      const result = await check(
        (_path, params) =>
          params.get('query')?.startsWith('baseline')
            ? matrix({
                values: [
                  [1, '1300'],
                  [2, '1300'],
                ],
              })
            : matrix({
                values: [
                  [1, '1416.55'],
                  [2, '1416.55'],
                ],
              }),
        {
          query: 'p95',
          range: { rangeMs: 60_000, stepMs: 30_000, reduce: 'max' },
          deviation: { baseline: 'baseline' },
          max: 100,
        },
      );
      expect(result).toMatchObject({ status: 'fail', metric: 'deviation' });
      expect(result.value).toBeCloseTo(116.55, 9);
      expect(result.message).toBe('CRITICAL: Deviation (116.55) is greater than maximum allowed (100.00)');
    });

    it('compares with its own history, shifted back', async () => {
      const result = await check(
        (_path, params) =>
          params.get('end') === '1700000000'
            ? matrix({ values: [[1_700_000_000, '10']] })
            : matrix({ values: [[1_699_996_400, '7']] }),
        {
          query: 'p95',
          range: { rangeMs: 60_000, stepMs: 30_000, reduce: 'max' },
          deviation: { historyMs: 3_600_000 },
          max: 5,
        },
      );
      expect(result).toMatchObject({ status: 'pass', value: 3 });
      expect(server?.seen.map((s) => s.params.get('end'))).toEqual(['1700000000', '1699996400']);
    });
  });
});
