/**
 * An HTTP check: `samples` sequential GET requests to the target's URL. Every sample must answer
 * the expected status; the p95 of their latencies is the recorded value, held against p95Ms.
 */
import type { CommandContext, TargetSpec } from '../engine/ports.ts';
import type { HttpCheckSpec } from './check-specs.ts';
import { type CheckOutcome, errorText, seconds } from './outcome.ts';
import { percentile } from './percentile.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpCheckOptions {
  /** Default: the global fetch. */
  fetchImpl?: FetchLike | undefined;
  /** Milliseconds for latencies; default performance.now. */
  now?: (() => number) | undefined;
}

export async function runHttpCheck(
  spec: HttpCheckSpec,
  context: CommandContext,
  signal?: AbortSignal,
  options: HttpCheckOptions = {},
): Promise<CheckOutcome> {
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const threshold = spec.p95Ms === undefined ? undefined : { max: spec.p95Ms };
  const base = { metric: 'p95', unit: 'ms', threshold } as const;

  const filled = fillUrl(spec.url, context.target);
  if (!filled.ok) return { ...base, status: 'error', message: filled.message };
  const url = filled.url;

  const samples = Math.max(1, Math.floor(spec.samples));
  const latencies: number[] = [];
  const statuses: number[] = [];
  for (let i = 1; i <= samples; i++) {
    if (signal?.aborted) return { ...base, status: 'error', message: 'cancelled' };
    const sample = await takeSample(url, spec.timeoutMs, fetchImpl, now, signal);
    if (!sample.ok) {
      const which = samples === 1 ? 'the sample' : `sample ${i} of ${samples}`;
      if (sample.why === 'cancelled') return { ...base, status: 'error', message: 'cancelled' };
      const message =
        sample.why === 'timeout'
          ? `GET ${url}: ${which} timed out after ${seconds(spec.timeoutMs)}`
          : `GET ${url}: ${which} failed: ${sample.message}`;
      return { ...base, status: 'error', message };
    }
    latencies.push(sample.latencyMs);
    statuses.push(sample.status);
  }

  const value = round2(percentile(latencies, 95));
  if (!Number.isFinite(value) || value < 0) {
    return { ...base, status: 'error', message: `could not measure latency (got ${value} ms)` };
  }
  const wrong = statuses.filter((s) => s !== spec.status);
  if (wrong.length > 0) {
    return {
      ...base,
      status: 'fail',
      value,
      message: `${statusSummary(wrong, samples)}, expected ${spec.status}`,
    };
  }
  const latency = `p95 latency ${ms(value)} over ${samples} sample${samples === 1 ? '' : 's'}`;
  if (spec.p95Ms === undefined) return { ...base, status: 'pass', value, message: latency };
  if (value > spec.p95Ms) {
    return { ...base, status: 'fail', value, message: `${latency} is greater than max ${ms(spec.p95Ms)}` };
  }
  return { ...base, status: 'pass', value, message: `${latency} is within max ${ms(spec.p95Ms)}` };
}

type Sample =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; why: 'timeout' | 'cancelled' | 'failed'; message: string };

/** One GET, bounded by timeoutMs and the run's signal; the body is read to its end and dropped. */
async function takeSample(
  url: string,
  timeoutMs: number,
  fetchImpl: FetchLike,
  now: () => number,
  signal: AbortSignal | undefined,
): Promise<Sample> {
  // A timeout of our own (rather than AbortSignal.timeout) so no timer outlives the sample.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const start = now();
  try {
    const response = await fetchImpl(url, {
      method: 'GET',
      signal: controller.signal,
      redirect: 'manual',
      // No keep-alive: each sample is a fresh connection, and none is left open after the check.
      headers: { connection: 'close' },
    });
    const reader = response.body?.getReader();
    if (reader) {
      let chunk = await reader.read();
      while (!chunk.done) chunk = await reader.read();
    }
    return { ok: true, status: response.status, latencyMs: now() - start };
  } catch (error) {
    if (signal?.aborted) return { ok: false, why: 'cancelled', message: 'cancelled' };
    if (controller.signal.aborted) return { ok: false, why: 'timeout', message: 'timed out' };
    return { ok: false, why: 'failed', message: errorText(error) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

type Filled = { ok: true; url: string } | { ok: false; message: string };

/** The URL with `{target}` and `{labels.KEY}` replaced by the URL-encoded target name and labels. */
export function fillUrl(template: string, target: TargetSpec): Filled {
  const problems: string[] = [];
  const url = template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (name === 'target') return encodeURIComponent(target.name);
    if (name.startsWith('labels.')) {
      const key = name.slice('labels.'.length);
      if (Object.hasOwn(target.labels, key)) return encodeURIComponent(target.labels[key] ?? '');
      problems.push(`target ${target.name} has no label "${key}" for placeholder ${whole}`);
      return whole;
    }
    problems.push(`unknown placeholder ${whole}; use {target} or {labels.KEY}`);
    return whole;
  });
  if (problems.length > 0) return { ok: false, message: `url ${template}: ${problems.join('; ')}` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: `url ${url} is not a valid URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: `url ${url} is not http or https` };
  }
  return { ok: true, url };
}

/** `2 of 5 samples returned 500`, or `2 of 5 samples returned 500 and 1 returned 503`. */
function statusSummary(wrong: number[], samples: number): string {
  const counts = new Map<number, number>();
  for (const status of wrong) counts.set(status, (counts.get(status) ?? 0) + 1);
  const parts = [...counts].map(([status, count], i) =>
    i === 0 ? `${count} of ${samples} samples returned ${status}` : `${count} returned ${status}`,
  );
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function ms(n: number): string {
  return `${n.toFixed(2)} ms`;
}
