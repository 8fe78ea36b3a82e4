/** Durations written the way people write them in tranche.yml (config/duration.ts reads them). */

const PARTS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

/** The shortest canonical spelling of a number of milliseconds: `0s`, `300ms`, `1m30s`, `2h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`cannot format ${ms} as a duration`);
  }
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of PARTS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) text += `${amount}${unit}`;
  }
  return text === '' ? '0s' : text;
}
