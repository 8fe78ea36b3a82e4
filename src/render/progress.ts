/**
 * Progress while a deploy runs: one line per step for CI logs (PlainReporter), or a block of lines
 * redrawn in place for a terminal (LiveReporter). Neither reads the environment; times come from
 * the events, and the live block also from a clock port, which ticks it between events.
 */
import { backgroundClock } from '../engine/clock.ts';
import { startsRollback } from '../engine/events.ts';
import type { Clock, DeployEvent, Reporter } from '../engine/ports.ts';
import { RUN_DECISIONS } from '../engine/vocabulary.ts';
import { checkData, dataNumber, dataString, dataStrings, dataVersion } from './event-data.ts';
import { clip, clockTime, counted, decisionText, elapsedText } from './format.ts';
import {
  bakeRemainingMs,
  initialProgress,
  type ProgressState,
  reduce,
  type TargetPhase,
  type TargetView,
} from './progress-state.ts';
import { formatValue } from './verdict.ts';

/** Where progress goes: process.stdout, or a fake in tests. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressReporter extends Reporter {
  /** Writes whatever is still pending; call once after the run. */
  finish(): void;
}

/**
 * Live for a terminal outside CI, plain lines otherwise. `ci` defaults to the CI environment
 * variable; `clock` (for the live block's redraws) to the wall clock with timers that never keep
 * the process alive.
 */
export function createReporter(
  stream: ProgressStream,
  options: { ci?: boolean | undefined; clock?: Clock | undefined } = {},
): ProgressReporter {
  const ci = options.ci ?? isCi(process.env.CI);
  return stream.isTTY === true && !ci
    ? new LiveReporter(stream, { clock: options.clock })
    : new PlainReporter(stream);
}

/** CI=true, CI=1, CI=anything but empty, `0` or `false`. */
export function isCi(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

// ---------------------------------------------------------------------------------------------
// Plain lines

/** One line per closing event (and per run, component, batch and rollback start), for CI logs. */
export class PlainReporter implements ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly batchCounts = new Map<string, number>();

  constructor(stream: ProgressStream) {
    this.stream = stream;
  }

  event(event: DeployEvent): void {
    if (event.kind === 'batch_started' && event.component !== undefined) {
      const of = dataNumber(event, 'of');
      if (of !== undefined) this.batchCounts.set(event.component, of);
    }
    const line = plainLine(
      event,
      event.component === undefined ? undefined : this.batchCounts.get(event.component),
    );
    if (line !== undefined) this.stream.write(`${line}\n`);
  }

  finish(): void {}
}

/**
 * The log line for an event, or undefined for the noisy ones (a target's deploy or rollback
 * starting). `batches` is the component's batch count, for `batch 2/4`.
 */
export function plainLine(event: DeployEvent, batches?: number): string | undefined {
  const at = `[${clockTime(event.at)}]`;
  const where = `${at} ${stepName(event, batches)}`;
  const failed = event.status === 'failed';
  const why = event.message ? `: ${event.message}` : '';
  const reason = event.reasonCode ? ` (${event.reasonCode})` : '';
  switch (event.kind) {
    case 'run_started': {
      const previous = dataVersion(event, 'previousVersion');
      const components = dataStrings(event, 'components') ?? [];
      const from = previous ? `previous ${previous}` : 'first deploy';
      const parts = components.length > 0 ? `${from}; components ${components.join(', ')}` : from;
      const started = startsRollback(event) ? 'rollback started' : 'started';
      return `${at} ${runName(event)}: ${started} (${parts})`;
    }
    case 'inventory':
      return `${at} inventory: ${inventoryText(event)}`;
    case 'component_started':
      return `${where} started`;
    case 'component_finished':
      return failed ? `${where} FAILED${reason}` : `${where} done`;
    case 'batch_started': {
      const targets = dataStrings(event, 'targets') ?? [];
      return `${where} started: ${listOf(targets, 8)}`;
    }
    case 'batch_finished': {
      const took = event.durationMs === undefined ? '' : ` after ${elapsedText(event.durationMs)}`;
      return failed ? `${where} FAILED${reason}${took}${why}` : `${where} ok${took}`;
    }
    case 'target_deploy': {
      if (event.status === 'started') return undefined;
      const took = event.durationMs === undefined ? '' : ` (${elapsedText(event.durationMs)})`;
      return failed
        ? `${where} ${event.target} FAILED to deploy ${event.version}${took}${why}`
        : `${where} ${event.target} deployed ${event.version}${took}`;
    }
    case 'check': {
      const c = checkData(event);
      const value = c.value === undefined ? '' : ` ${c.metric}=${formatValue(c.value, c.unit)}`;
      const slow =
        c.slow && event.durationMs !== undefined ? ` (slow: ${elapsedText(event.durationMs)})` : '';
      if (!failed) return `${where} check ${c.check} ${event.target} ${c.status}${value}${slow}`;
      const limits = [
        c.min === undefined ? undefined : `min ${formatValue(c.min, c.unit)}`,
        c.max === undefined ? undefined : `max ${formatValue(c.max, c.unit)}`,
      ].filter((l) => l !== undefined);
      const limit = c.value !== undefined && limits.length > 0 ? ` (${limits.join(', ')})` : '';
      return `${where} check ${c.check} ${event.target} ${c.status.toUpperCase()}${value}${limit}${why}`;
    }
    case 'bake_started':
      return `${where} bake ${bakeLength(dataNumber(event, 'bakeMs') ?? 0)} started`;
    case 'bake_finished': {
      const took = event.durationMs === undefined ? '' : ` (${elapsedText(event.durationMs)})`;
      return failed ? `${where} bake stopped${reason}${took}` : `${where} bake done${took}`;
    }
    case 'rollback_started': {
      const n = dataNumber(event, 'targets') ?? 0;
      return `${at} ROLLBACK started: ${counted(n, 'target')}`;
    }
    case 'target_rollback': {
      if (event.status === 'started') return undefined;
      if (event.status === 'skipped') return `${at} ROLLBACK ${event.target} skipped${why}`;
      const to = dataVersion(event, 'to');
      const versions = `${dataString(event, 'from') ?? event.version} → ${to ?? '(none)'}`;
      return `${at} ROLLBACK ${event.target} ${versions} ${failed ? `FAILED${why}` : 'ok'}`;
    }
    case 'rollback_finished': {
      const n = dataNumber(event, 'targets') ?? 0;
      const bad = dataNumber(event, 'failed') ?? 0;
      return `${at} ROLLBACK finished: ${counted(n, 'target')}, ${bad} not rolled back`;
    }
    case 'run_finished': {
      const decision = RUN_DECISIONS.find((d) => d === dataString(event, 'decision'));
      const outcome = decision ? decisionText(decision) : event.status === 'ok' ? 'succeeded' : 'failed';
      const took = event.durationMs === undefined ? '' : ` after ${elapsedText(event.durationMs)}`;
      return `${at} ${runName(event)}: ${outcome}${reason}${took}${why}`;
    }
    default:
      return undefined;
  }
}

/** `app: 3 target(s) from command ./hosts.sh: web-1, web-2, web-3`, per component. */
function inventoryText(event: DeployEvent): string {
  const components = Array.isArray(event.data?.components) ? event.data.components : [];
  return components
    .map((c: { component?: unknown; source?: unknown; targets?: { name?: unknown }[] }) => {
      const names = (c.targets ?? []).map((t) => String(t.name));
      return `${String(c.component)}: ${names.length} target(s) from ${String(c.source)}: ${listOf(names, 8)}`;
    })
    .join('; ');
}

function runName(event: DeployEvent): string {
  return `${event.service} ${event.version} → ${event.environment}`;
}

/** `app batch 2/4`, `app`, or the run's name for events outside a component. */
function stepName(event: DeployEvent, batches: number | undefined): string {
  if (event.component === undefined) return runName(event);
  if (event.batch === undefined) return event.component;
  return `${event.component} batch ${event.batch}${batches === undefined ? '' : `/${batches}`}`;
}

/** `30 s`, `2m 00s`. */
function bakeLength(ms: number): string {
  return ms < 60_000 && ms % 1000 === 0 ? `${ms / 1000} s` : elapsedText(ms);
}

function listOf(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, … (+${items.length - max} more)`;
}

// ---------------------------------------------------------------------------------------------
// Live block

export const TARGET_GLYPHS: Record<TargetPhase, string> = {
  waiting: '·',
  deploying: '>',
  deployed: '+',
  healthy: '✓',
  unhealthy: '✗',
  failed: '✗',
  rolling_back: '<',
  rolled_back: '↺',
  rollback_failed: '!',
  rollback_skipped: '-',
};

/** Minimum time between two redraws, measured on event times. */
export const REDRAW_INTERVAL_MS = 100;
/** How often the block is redrawn while a run goes on, events or not: the countdown keeps moving. */
export const TICK_MS = 1000;
/** Width for a stream that does not know its own (a pipe) or says 0 (seen under `script`). */
const DEFAULT_COLUMNS = 80;

/** Moves the cursor up n lines. */
export const cursorUp = (n: number): string => `\x1b[${n}A`;
/** Returns to the line's start and clears it. */
export const CLEAR_LINE = '\r\x1b[2K';

/**
 * For a terminal: folds events into a ProgressState and redraws a block of lines in place, at most
 * every REDRAW_INTERVAL_MS of event time (a frame held back is drawn when the interval is up), and
 * always on run_finished and finish(). From the first event until run_finished or finish(), it
 * also redraws every TICK_MS of the clock's time, so the elapsed time and bake countdown move.
 * The clock's sleeps must wait for time to pass (a FakeClock with `auto: false` in tests).
 */
export class LiveReporter implements ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly intervalMs: number;
  private readonly tickMs: number;
  private readonly clock: Clock;
  /** Aborted on run_finished or finish(): stops the ticker and any pending flush for good. */
  private readonly stopped = new AbortController();
  private current: ProgressState = initialProgress();
  private drawnLines = 0;
  private lastDrawAt: number | undefined;
  private dirty = false;
  private ticking = false;
  private flushPending = false;
  /** Frames written so far. */
  frames = 0;

  constructor(
    stream: ProgressStream,
    options: { intervalMs?: number | undefined; tickMs?: number | undefined; clock?: Clock | undefined } = {},
  ) {
    this.stream = stream;
    this.intervalMs = options.intervalMs ?? REDRAW_INTERVAL_MS;
    this.tickMs = options.tickMs ?? TICK_MS;
    this.clock = options.clock ?? backgroundClock;
  }

  get state(): ProgressState {
    return this.current;
  }

  event(event: DeployEvent): void {
    this.current = reduce(this.current, event);
    this.dirty = true;
    if (event.kind === 'run_finished') this.stopped.abort();
    else this.startTicking();
    const sinceDraw = this.lastDrawAt === undefined ? Infinity : event.at - this.lastDrawAt;
    if (sinceDraw >= this.intervalMs || event.kind === 'run_finished') this.draw(event.at);
    else this.flushAfter(this.intervalMs - Math.max(0, sinceDraw));
  }

  finish(): void {
    this.stopped.abort();
    if (this.dirty) this.draw(this.current.now);
  }

  private startTicking(): void {
    if (this.ticking || this.stopped.signal.aborted) return;
    this.ticking = true;
    void this.tick();
  }

  private async tick(): Promise<void> {
    const { signal } = this.stopped;
    for (;;) {
      await this.clock.sleep(this.tickMs, signal);
      if (signal.aborted) return;
      this.drawAtClockTime();
    }
  }

  /** Draws the frame the redraw limit held back once the limit is up, if no event drew it first. */
  private flushAfter(ms: number): void {
    if (this.flushPending) return;
    this.flushPending = true;
    void this.clock.sleep(ms, this.stopped.signal).then(() => {
      this.flushPending = false;
      if (!this.dirty || this.stopped.signal.aborted) return;
      // A frame drawn since this was scheduled restarts the interval.
      const sinceDraw = this.clock.now() - (this.lastDrawAt ?? Number.NEGATIVE_INFINITY);
      if (sinceDraw >= this.intervalMs) this.drawAtClockTime();
      else this.flushAfter(this.intervalMs - sinceDraw);
    });
  }

  private drawAtClockTime(): void {
    this.current = { ...this.current, now: Math.max(this.current.now, this.clock.now()) };
    this.draw(this.current.now);
  }

  private draw(at: number): void {
    // `||`: a terminal that reports 0 columns is one that does not know its width.
    const width = Math.max(20, (this.stream.columns || DEFAULT_COLUMNS) - 1);
    const lines = renderFrame(this.current).map((line) => clip(line, width));
    let out = this.drawnLines > 0 ? cursorUp(this.drawnLines) : '';
    for (const line of lines) out += `${CLEAR_LINE}${line}\n`;
    // A shorter frame clears what is left of the previous one; the block keeps its height.
    for (let i = lines.length; i < this.drawnLines; i++) out += `${CLEAR_LINE}\n`;
    this.stream.write(out);
    this.drawnLines = Math.max(this.drawnLines, lines.length);
    this.lastDrawAt = at;
    this.dirty = false;
    this.frames += 1;
  }
}

/** The live block for a state, one string per line, uncut. */
export function renderFrame(state: ProgressState): string[] {
  const elapsed = state.startedAt === undefined ? '' : `  ${elapsedText(state.now - state.startedAt)}`;
  const from = state.previousVersion ? ` (from ${state.previousVersion})` : '';
  const what = state.rollsBack ? 'rollback: ' : '';
  const lines = [`${what}${state.service} ${state.version} → ${state.environment}${from}${elapsed}`];

  if (state.component !== undefined && !state.rollback) {
    const n = state.components.length;
    const position = n > 1 ? ` (${Math.min(state.componentsDone + 1, n)}/${n})` : '';
    const batch = state.batch
      ? `  batch ${state.batch.number}${state.batch.of ? `/${state.batch.of}` : ''}`
      : '';
    const left = bakeRemainingMs(state);
    const doing =
      left !== undefined
        ? `baking, ${Math.ceil(left / 1000)} s left`
        : state.batch
          ? batchDoing(state)
          : 'starting';
    lines.push(`${state.component}${position}${batch}  ${doing}`);
    if (state.targets.length > 0) lines.push(`  ${glyphs(state.targets)}`);
    for (const c of state.checks) {
      const value = c.value === undefined ? '' : ` ${c.metric}=${formatValue(c.value, c.unit)}`;
      const limit =
        c.max !== undefined
          ? ` (max ${formatValue(c.max, c.unit)})`
          : c.min !== undefined
            ? ` (min ${formatValue(c.min, c.unit)})`
            : '';
      lines.push(`  check ${c.check} ${c.target} ${c.status}${value}${limit}`);
    }
  }

  if (state.rollback) {
    const r = state.rollback;
    const notes = [r.failed > 0 ? `${r.failed} failed` : '', r.skipped > 0 ? `${r.skipped} skipped` : '']
      .filter((s) => s !== '')
      .join(', ');
    lines.push(`ROLLBACK ${r.done}/${r.total}${r.finished ? ' done' : ''}${notes ? ` (${notes})` : ''}`);
    if (r.targets.length > 0) lines.push(`  ${glyphs(r.targets)}`);
  }

  if (state.lastFailure && !state.finished) lines.push(`! ${state.lastFailure}`);
  if (state.finished) {
    const f = state.finished;
    const outcome = f.decision ? decisionText(f.decision) : f.ok ? 'succeeded' : 'failed';
    const reason = f.reasonCode ? ` (${f.reasonCode})` : '';
    const took = f.durationMs === undefined ? '' : ` after ${elapsedText(f.durationMs)}`;
    lines.push(`${outcome}${reason}${took}${f.message ? `: ${f.message}` : ''}`);
  }
  return lines;
}

function batchDoing(state: ProgressState): string {
  if (state.batch?.status === 'ok') return 'done';
  if (state.batch?.status === 'failed') return 'FAILED';
  return state.targets.some((t) => t.phase === 'deploying' || t.phase === 'waiting')
    ? 'deploying'
    : 'checking';
}

function glyphs(targets: readonly TargetView[]): string {
  return targets.map((t) => `${TARGET_GLYPHS[t.phase]} ${t.name}`).join('  ');
}
