/**
 * How `tranche watch` shows the matrix: a block redrawn in place on a terminal, or for a log (and
 * for `--json`) the matrix once and then one line per cell that changes.
 */
import type { TargetState } from '../engine/ports.ts';
import type { WatchState, WatchTransition } from '../ledger/watch-types.ts';
import { clip, clockTime, counted, table } from '../render/format.ts';
import { CLEAR_LINE, cursorUp, type ProgressStream } from '../render/progress.ts';
import type { WatchCell } from './matrix.ts';
import { cellKey, cellKeys, type WatchPlan, watchRows } from './plan.ts';

export const GLYPHS: Record<WatchState, string> = { green: '✓', red: '✗' };
/** A cell whose check has not answered yet in this watch. */
const PENDING = '·';
/** Red cells whose reasons are listed under the matrix. */
const REASONS_SHOWN = 12;
/** Width for a stream that does not know its own (or says 0). */
const DEFAULT_COLUMNS = 80;

export interface FrameInput {
  plan: WatchPlan;
  /** Undefined: one round only (--once). */
  intervalMs: number | undefined;
  cells: ReadonlyMap<string, WatchCell>;
  /** Unknown until the first round has read them. */
  targets: readonly TargetState[] | undefined;
  /** The last full round, if any. */
  round: number;
  at: number | undefined;
}

/** The matrix as lines: a heading, a row per target with its version, a tally, and why cells are red. */
export function renderFrame(input: FrameInput): string[] {
  const { plan, cells } = input;
  const rows = watchRows(plan);
  const keys = cellKeys(plan);
  const runs = new Set(keys);
  const versions = new Map(
    (input.targets ?? []).map((t) => [JSON.stringify([t.component, t.target]), t.version]),
  );
  const when =
    input.at === undefined ? 'first round running' : `round ${input.round} at ${clockTime(input.at)}`;
  const lines = [
    `watching ${plan.service} in ${plan.environment}: ${counted(rows.length, 'target')} × ${counted(plan.checks.length, 'check')}, ${input.intervalMs === undefined ? 'one round' : `every ${seconds(input.intervalMs)}`}; ${when}`,
  ];
  if (input.targets !== undefined && !input.targets.some((t) => t.version !== null)) {
    lines.push(
      `no deploy has reached ${plan.environment} yet: red is the expected start; cells turn green as one lands`,
    );
  }
  if (plan.unwatched.length > 0) {
    lines.push(
      `not watched (they compare a deploy's new targets with the rest): ${plan.unwatched.join(', ')}`,
    );
  }
  const body = rows.map(({ component, target }) => [
    component,
    target,
    versions.get(JSON.stringify([component, target])) ?? (input.targets === undefined ? '' : '-'),
    ...plan.checks.map((check) => {
      const key = cellKey({ component, target, check });
      if (!runs.has(key)) return '';
      const cell = cells.get(key);
      return cell ? `${GLYPHS[cell.state]} ${clockTime(cell.since)}` : PENDING;
    }),
  ]);
  lines.push('', ...table([['component', 'target', 'version', ...plan.checks], ...body]));
  const observed = keys.flatMap((key) => cells.get(key) ?? []);
  const green = observed.filter((c) => c.state === 'green').length;
  lines.push(
    '',
    `${green}/${keys.length} green${observed.length < keys.length ? `, ${keys.length - observed.length} not checked yet` : ''}`,
  );
  const red = observed.filter((c) => c.state === 'red');
  for (const cell of red.slice(0, REASONS_SHOWN))
    lines.push(`${GLYPHS.red} ${cell.target} ${cell.check}: ${cell.reason}`);
  if (red.length > REASONS_SHOWN) lines.push(`… and ${red.length - REASONS_SHOWN} more red`);
  return lines;
}

/** A transition as a log line: `[12:00:05] ✓ app-1 health green (was red): 3 × 200 …`. */
export function transitionLine(t: WatchTransition, from: WatchState | null): string {
  const was = from === null ? 'first seen' : `was ${from}`;
  return `[${clockTime(t.at)}] ${GLYPHS[t.state]} ${t.component}/${t.target} ${t.check} ${t.state} (${was}): ${t.reason}`;
}

/** `15 s`, `500 ms`. */
function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** A block of lines redrawn in place on a terminal; a shorter frame clears what is left of the last. */
export class LiveBlock {
  private readonly stream: ProgressStream;
  private drawnLines = 0;

  constructor(stream: ProgressStream) {
    this.stream = stream;
  }

  draw(lines: readonly string[]): void {
    const width = Math.max(20, (this.stream.columns || DEFAULT_COLUMNS) - 1);
    let out = this.drawnLines > 0 ? cursorUp(this.drawnLines) : '';
    for (const line of lines) out += `${CLEAR_LINE}${clip(line, width)}\n`;
    for (let i = lines.length; i < this.drawnLines; i++) out += `${CLEAR_LINE}\n`;
    this.stream.write(out);
    this.drawnLines = Math.max(this.drawnLines, lines.length);
  }
}
