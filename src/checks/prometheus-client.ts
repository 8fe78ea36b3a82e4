/**
 * The two Prometheus HTTP API calls checks make: instant queries (`/api/v1/query`) and range
 * queries (`/api/v1/query_range`), sent as form-encoded POSTs so any query, however long, is
 * encoded properly. Every way a call can go wrong (a network error, a timeout, an HTTP error, a
 * body that is not the API's JSON, `status: error`, warnings of a partial result) comes back as
 * a failure with Prometheus' own words; a partial result never passes a check.
 */
import { z } from 'zod';
import type { TimedValue } from '../stats/deviation.ts';
import type { FetchLike } from './http.ts';
import { errorText, seconds } from './outcome.ts';

export interface QueryOptions {
  fetchImpl: FetchLike;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface Series {
  metric: Record<string, string>;
  values: TimedValue[];
}

export type Answer<T> = { ok: true; data: T } | { ok: false; message: string };

const pointSchema = z.tuple([z.number(), z.string()]);
const labelsSchema = z.record(z.string(), z.string());
const dataSchema = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: labelsSchema, value: pointSchema })),
  }),
  z.object({ resultType: z.literal('scalar'), result: pointSchema }),
  z.object({ resultType: z.literal('string'), result: pointSchema }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: labelsSchema, values: z.array(pointSchema) })),
  }),
]);
const bodySchema = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});

/** The samples of an instant query at `time` (epoch seconds); a scalar becomes one unlabelled sample. */
export async function instantQuery(
  server: string,
  query: string,
  time: number,
  options: QueryOptions,
): Promise<Answer<Sample[]>> {
  const answer = await call(server, '/api/v1/query', { query, time: String(time) }, options);
  if (!answer.ok) return answer;
  const data = answer.data;
  if (data.resultType === 'vector') {
    return { ok: true, data: data.result.map((s) => ({ metric: s.metric, value: parseValue(s.value[1]) })) };
  }
  if (data.resultType === 'scalar')
    return { ok: true, data: [{ metric: {}, value: parseValue(data.result[1]) }] };
  return {
    ok: false,
    message: `expected a vector or scalar from an instant query, got a ${data.resultType}`,
  };
}

/**
 * The raw samples of a range-vector selector (`metric{…}[5m]`) asked as an instant query at `time`:
 * every sample of every matching series in the range, as scraped (no evaluation, no extrapolation).
 */
export async function rawSamples(
  server: string,
  selector: string,
  time: number,
  options: QueryOptions,
): Promise<Answer<Series[]>> {
  const answer = await call(server, '/api/v1/query', { query: selector, time: String(time) }, options);
  if (!answer.ok) return answer;
  return matrixSeries(answer.data, 'a range-vector selector');
}

/** The series of a range query from `start` to `end` (epoch seconds) every `step` seconds. */
export async function rangeQuery(
  server: string,
  query: string,
  range: { start: number; end: number; step: number },
  options: QueryOptions,
): Promise<Answer<Series[]>> {
  const params = { query, start: String(range.start), end: String(range.end), step: String(range.step) };
  const answer = await call(server, '/api/v1/query_range', params, options);
  if (!answer.ok) return answer;
  return matrixSeries(answer.data, 'a range query');
}

function matrixSeries(data: z.output<typeof dataSchema>, from: string): Answer<Series[]> {
  if (data.resultType !== 'matrix')
    return { ok: false, message: `expected a matrix from ${from}, got a ${data.resultType}` };
  return {
    ok: true,
    data: data.result.map((s) => ({
      metric: s.metric,
      values: s.values.map(([at, value]) => ({ at, value: parseValue(value) })),
    })),
  };
}

/** Prometheus writes sample values as strings, with NaN, +Inf and -Inf spelled out. */
export function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.trim() === '' ? Number.NaN : value;
}

/** `{instance="web-1", job="app"}`, for messages about series. */
export function labelsText(metric: Record<string, string>): string {
  const pairs = Object.entries(metric).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${pairs.join(', ')}}`;
}

async function call(
  server: string,
  path: string,
  params: Record<string, string>,
  options: QueryOptions,
): Promise<Answer<z.output<typeof dataSchema>>> {
  const url = `${server.replace(/\/+$/, '')}${path}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await options.fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal: controller.signal,
      redirect: 'manual',
    });
    const text = await response.text();
    return interpret(url, response.status, text);
  } catch (error) {
    if (options.signal?.aborted) return { ok: false, message: 'cancelled' };
    if (controller.signal.aborted)
      return { ok: false, message: `POST ${url} timed out after ${seconds(options.timeoutMs)}` };
    return { ok: false, message: `POST ${url} failed: ${errorText(error)}` };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function interpret(url: string, status: number, text: string): Answer<z.output<typeof dataSchema>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const snippet = text.trim().slice(0, 120);
    return {
      ok: false,
      message: `POST ${url} answered ${status} with a body that is not JSON${snippet ? `: ${snippet}` : ''}`,
    };
  }
  const body = bodySchema.safeParse(json);
  if (!body.success)
    return {
      ok: false,
      message: `POST ${url} answered ${status} with JSON that is not a Prometheus API response`,
    };
  const { status: outcome, error, errorType, warnings } = body.data;
  if (outcome === 'error' || status < 200 || status >= 300) {
    const why = error ? `${errorType ? `${errorType}: ` : ''}${error}` : `HTTP ${status}`;
    return { ok: false, message: `Prometheus answered ${status}: ${why}` };
  }
  if (warnings && warnings.length > 0) {
    return { ok: false, message: `Prometheus warned that the result may be partial: ${warnings.join('; ')}` };
  }
  const data = dataSchema.safeParse(body.data.data);
  if (!data.success)
    return { ok: false, message: `POST ${url} answered with data that is not a Prometheus result` };
  return { ok: true, data: data.data };
}
