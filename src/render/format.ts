/** Small text helpers shared by the summary and the progress reporters. */
import type { RollbackStatus, RunDecision, StepStatus } from '../engine/vocabulary.ts';

/** An elapsed time for people (config durations are config/duration.ts formatDuration): `0.41 s` under 10 s, `31.2 s` under a minute, then `1m 32s`, then `1h 02m`. */
export function elapsedText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Epoch milliseconds as `HH:MM:SS` in UTC. */
export function clockTime(at: number): string {
  return Number.isFinite(at) ? new Date(at).toISOString().slice(11, 19) : '--:--:--';
}

const DECISIONS: Record<RunDecision, string> = {
  succeeded: 'succeeded',
  rolled_back: 'rolled back',
  halted: 'halted',
  cancelled: 'cancelled',
};

export function decisionText(decision: RunDecision): string {
  return DECISIONS[decision] ?? String(decision);
}

const STEPS: Record<StepStatus, string> = {
  succeeded: 'ok',
  failed: 'FAILED',
  rolled_back: 'rolled back',
  halted: 'halted',
  cancelled: 'cancelled',
  not_started: 'not started',
};

export function stepStatusText(status: StepStatus): string {
  return STEPS[status] ?? String(status);
}

const ROLLBACKS: Record<RollbackStatus, string> = {
  rolled_back: 'rolled back',
  failed: 'FAILED',
  no_previous_version: 'skipped: no previous version',
};

export function rollbackStatusText(status: RollbackStatus): string {
  return ROLLBACKS[status] ?? String(status);
}

/** Left-aligned columns two spaces apart, every line right-trimmed. */
export function table(rows: string[][], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) => (indent + row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).trimEnd());
}

/** Cuts a line to at most `width` characters, marking the cut with `…`. */
export function clip(line: string, width: number): string {
  if (line.length <= width) return line;
  return width <= 1 ? line.slice(0, Math.max(0, width)) : `${line.slice(0, width - 1)}…`;
}

/** A count with its noun, singular for one: `1 outcome`, `3 outcomes`, `2 target states`. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
