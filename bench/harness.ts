/** What every benchmark suite shares: repeated timing, a summary row per measurement, Markdown output. */
import { cpus } from 'node:os';
import { type Description, describe } from '../src/stats/describe.ts';

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Lines printed under the table: what was measured and how. */
  notes?: string[];
}

/** Runs `once` after a warm-up `runs` times and describes the values it returns. */
export async function sample(runs: number, once: () => Promise<number>): Promise<Description | undefined> {
  await once();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return describe(values);
}

/** Wall-clock milliseconds of one call. */
export async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export const TIMING_HEADER = ['benchmark', 'runs', 'median', 'p95', 'min', 'max'];

/** A row of TIMING_HEADER: the description's values times `scale`, in `unit`. */
export function timingRow(name: string, d: Description | undefined, unit: string, scale = 1): string[] {
  if (!d) return [name, '0', '-', '-', '-', '-'];
  const f = (v: number) => `${(v * scale).toFixed(unit === 'µs' ? 1 : 2)} ${unit}`;
  return [name, String(d.count), f(d.median), f(d.p95), f(d.min), f(d.max)];
}

export function machine(): string {
  return `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
}

export function markdown(table: Table): string {
  const lines = [
    `### ${table.title}`,
    '',
    `| ${table.header.join(' | ')} |`,
    `|${table.header.map(() => '---').join('|')}|`,
    ...table.rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  if (table.notes && table.notes.length > 0) lines.push('', ...table.notes);
  return lines.join('\n');
}
