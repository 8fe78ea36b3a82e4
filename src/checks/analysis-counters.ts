/**
 * Counts from counters without extrapolation: how much a counter series rose between two
 * instants, from its raw samples. Prometheus' increase() scales the rise between the first and
 * last samples in its window out to the window's edges; on short windows that invents requests
 * and failures (51 raw failures read as 55.3), and the sequential test takes them as evidence.
 * Here the rise is taken between the last sample at or before the window's start and the last
 * sample at or before the look: only what the counters recorded.
 */
import type { TimedValue } from '../stats/deviation.ts';

/**
 * The rise of one counter series from `from` (epoch seconds) to its last sample, its samples in
 * time order. A drop is a counter reset (the process restarted, counting from zero again), so
 * the value after it is all new, as in increase(). A series without a sample at or before `from`
 * was born in the window (a restarted process, a counter that appears with its first increment):
 * it rose from zero.
 */
export function counterRise(samples: readonly TimedValue[], from: number): number {
  let start = -1;
  for (const [i, sample] of samples.entries()) if (sample.at <= from) start = i;
  let previous = start >= 0 ? (samples[start] as TimedValue).value : 0;
  let rise = 0;
  for (const sample of samples.slice(start + 1)) {
    rise += sample.value >= previous ? sample.value - previous : sample.value;
    previous = sample.value;
  }
  return rise;
}

/**
 * How far before the window's start the raw samples are read, so that each series' last sample
 * before the window is among them: Prometheus' own lookback (a series not scraped for 5 minutes
 * is stale).
 */
export const LOOKBACK_MS = 5 * 60_000;
