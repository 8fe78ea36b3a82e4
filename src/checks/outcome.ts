import type { CheckResult } from '../engine/ports.ts';

/** What a check implementation decides; the checker adds the check's name and its duration. */
export type CheckOutcome = Omit<CheckResult, 'check' | 'durationMs'>;

/** Seconds with two decimals: `10.00 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The last non-empty line of some output, trimmed and cut to one short line. */
export function lastLine(text: string, max = 200): string {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (line) return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  }
  return '';
}

/** An error's message, with the causes fetch and friends hide behind "fetch failed". */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}
