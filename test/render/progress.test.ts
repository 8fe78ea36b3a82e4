import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../src/engine/ports.ts';
import {
  CLEAR_LINE,
  createReporter,
  cursorUp,
  isCi,
  LiveReporter,
  PlainReporter,
  plainLine,
  REDRAW_INTERVAL_MS,
  renderFrame,
} from '../../src/render/progress.ts';
import { reduceAll } from '../../src/render/progress-state.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';
import { ev, shortRun, T0 } from './fixtures.ts';

const PROGRESS = fileURLToPath(new URL('../../src/render/progress.ts', import.meta.url));

class FakeStream {
  readonly writes: string[] = [];
  isTTY: boolean;
  columns: number | undefined;

  constructor(isTTY = false, columns?: number) {
    this.isTTY = isTTY;
    this.columns = columns;
  }

  write(s: string): boolean {
    this.writes.push(s);
    return true;
  }

  text(): string {
    return this.writes.join('');
  }
}

describe('PlainReporter', () => {
  describe('for a short run', () => {
    it('writes one line per closing event, plus run, component, batch and rollback starts', () => {
      const stream = new FakeStream();
      const reporter = new PlainReporter(stream);
      for (const event of shortRun()) reporter.event(event);
      reporter.finish();
      expect(stream.text().split('\n')).toEqual([
        '[12:00:00] metrics-store 2.14.7 → production: started (previous 2.14.6; components app)',
        '[12:00:00] app started',
        '[12:00:00] app batch 1/2 started: app-1',
        '[12:00:00] app batch 1/2 app-1 deployed 2.14.7 (0.41 s)',
        '[12:00:01] app batch 1/2 check health app-1 pass p95=12.00 ms',
        '[12:00:01] app batch 1/2 bake 30 s started',
        '[12:00:11] app batch 1/2 check health app-1 pass p95=15.00 ms',
        '[12:00:31] app batch 1/2 bake done (30.0 s)',
        '[12:00:31] app batch 1/2 ok after 31.0 s',
        '[12:00:31] app batch 2/2 started: app-2',
        '[12:00:31] app batch 2/2 app-2 deployed 2.14.7 (0.46 s)',
        '[12:00:32] app batch 2/2 check health app-2 FAIL p95=412.00 ms (max 300.00 ms): p95 412 ms is above 300 ms',
        '[12:00:32] app batch 2/2 FAILED (check_failed) after 0.98 s: check health on app-2: p95 412 ms is above 300 ms',
        '[12:00:32] app FAILED (check_failed)',
        '[12:00:32] ROLLBACK started: 2 targets',
        '[12:00:32] ROLLBACK app-2 2.14.7 → 2.14.6 ok',
        '[12:00:33] ROLLBACK app-1 2.14.7 → 2.14.6 FAILED: rollback of app-1 to 2.14.6 failed (exit 1)',
        '[12:00:33] ROLLBACK finished: 2 targets, 1 not rolled back',
        '[12:00:33] metrics-store 2.14.7 → production: rolled back (check_failed) after 33.0 s: check health on app-2: p95 412 ms is above 300 ms; 1 target(s) could not be rolled back',
        '',
      ]);
    });
  });

  describe('plainLine', () => {
    it('skips the start of a target deploy and of a target rollback', () => {
      expect(
        plainLine(ev(1, 0, { kind: 'target_deploy', status: 'started', component: 'app', target: 'a' })),
      ).toBe(undefined);
      expect(plainLine(ev(1, 0, { kind: 'target_rollback', status: 'started', target: 'a' }))).toBe(
        undefined,
      );
    });

    it('says a rollback run started as one', () => {
      const started = (action: string) =>
        plainLine(
          ev(0, 0, {
            kind: 'run_started',
            status: 'started',
            data: { previousVersion: '2.14.8', action, components: ['app'] },
          }),
        );
      expect(started('rollback')).toBe(
        '[12:00:00] metrics-store 2.14.7 → production: rollback started (previous 2.14.8; components app)',
      );
      expect(started('deploy')).toBe(
        '[12:00:00] metrics-store 2.14.7 → production: started (previous 2.14.8; components app)',
      );
    });

    it('writes a failed deploy with its message', () => {
      const line = plainLine(
        ev(1, 1_500, {
          kind: 'target_deploy',
          status: 'failed',
          component: 'app',
          batch: 3,
          target: 'app-5',
          durationMs: 2_000,
          message: 'deploy of app-5 failed with exit code 2',
        }),
        4,
      );
      expect(line).toBe(
        '[12:00:01] app batch 3/4 app-5 FAILED to deploy 2.14.7 (2.00 s): deploy of app-5 failed with exit code 2',
      );
    });

    it('calls a value without a metric name value= and marks slow checks', () => {
      const line = plainLine(
        ev(1, 0, {
          kind: 'check',
          status: 'ok',
          component: 'app',
          batch: 1,
          target: 'app-1',
          durationMs: 6_200,
          data: { check: 'lag', status: 'pass', value: 3, slow: true },
        }),
      );
      expect(line).toBe('[12:00:00] app batch 1 check lag app-1 pass value=3.00 (slow: 6.20 s)');
    });

    it('writes a skipped rollback with its reason', () => {
      const line = plainLine(
        ev(1, 0, {
          kind: 'target_rollback',
          status: 'skipped',
          target: 'app-1',
          message: 'app-1 has no previous good version to return to',
        }),
      );
      expect(line).toBe('[12:00:00] ROLLBACK app-1 skipped: app-1 has no previous good version to return to');
    });

    it('renders timestamps in UTC', () => {
      expect(
        plainLine(ev(1, 3_723_000, { kind: 'component_started', status: 'started', component: 'db' })),
      ).toBe('[13:02:03] db started');
    });
  });
});

/** Live reporters on a clock that moves only when told, started at the fixtures' T0; finished after each test. */
let started: LiveReporter[] = [];
afterEach(() => {
  for (const reporter of started) reporter.finish();
  started = [];
});
function live(stream: FakeStream, options: { intervalMs?: number } = {}) {
  const clock = new FakeClock({ start: T0, auto: false });
  const reporter = new LiveReporter(stream, { ...options, clock });
  started.push(reporter);
  /** Feeds events as they happen: the clock reaches each event's time (ticking on the way) first. */
  const feed = async (events: DeployEvent[]) => {
    for (const event of events) {
      await clock.advance(event.at - clock.now());
      reporter.event(event);
    }
  };
  return { reporter, clock, feed };
}

/** The lines of the last frame written, without the cursor movements and line clearing. */
function lastFrame(stream: FakeStream): string[] {
  return (stream.writes.at(-1) ?? '')
    .split('\n')
    .map((l) => (l.includes(CLEAR_LINE) ? l.slice(l.indexOf(CLEAR_LINE) + CLEAR_LINE.length) : l))
    .filter((l) => l !== '');
}

describe('LiveReporter', () => {
  describe('renderFrame', () => {
    it('shows the component, batch, bake countdown, target glyphs and last check while baking', () => {
      expect(renderFrame(reduceAll(shortRun().slice(0, 8)))).toEqual([
        'metrics-store 2.14.7 → production (from 2.14.6)  11.0 s',
        'app  batch 1/2  baking, 20 s left',
        '  ✓ app-1',
        '  check health app-1 pass p95=15.00 ms (max 300.00 ms)',
      ]);
    });

    it('heads a run that rolls back to an earlier version as a rollback', () => {
      const [started, ...rest] = shortRun().slice(0, 8);
      const rollback = { ...started, data: { ...started?.data, action: 'rollback' } } as DeployEvent;
      expect(renderFrame(reduceAll([rollback, ...rest]))[0]).toBe(
        'rollback: metrics-store 2.14.7 → production (from 2.14.6)  11.0 s',
      );
    });

    it('shows rollback progress and the outcome at the end', () => {
      expect(renderFrame(reduceAll(shortRun()))).toEqual([
        'metrics-store 2.14.7 → production (from 2.14.6)  33.0 s',
        'ROLLBACK 2/2 done (1 failed)',
        '  ↺ app-2  ! app-1',
        'rolled back (check_failed) after 33.0 s: check health on app-2: p95 412 ms is above 300 ms; 1 target(s) could not be rolled back',
      ]);
    });
  });

  describe('redrawing', () => {
    const at = (ms: number, seq = 1) =>
      ev(seq, ms, { kind: 'check', status: 'ok', component: 'app', target: 'a' });

    it('draws the first event, then at most once per 100 ms of event time', () => {
      const { reporter } = live(new FakeStream(true));
      const drawnAt: number[] = [];
      for (const ms of [0, 10, 50, 99, 100, 150, 199, 250, 251]) {
        const frames = reporter.frames;
        reporter.event(at(ms));
        if (reporter.frames > frames) drawnAt.push(ms);
      }
      expect(drawnAt).toEqual([0, 100, 250]);
    });

    it('always draws on run_finished, however soon after the last frame', () => {
      const { reporter } = live(new FakeStream(true));
      reporter.event(at(0));
      reporter.event(ev(2, 1, { kind: 'run_finished', status: 'ok', data: { decision: 'succeeded' } }));
      expect(reporter.frames).toBe(2);
    });

    it('writes the pending frame on finish() and nothing when nothing is pending', () => {
      const stream = new FakeStream(true);
      const { reporter } = live(stream);
      reporter.event(at(0));
      reporter.event(at(20));
      expect(reporter.frames).toBe(1);
      reporter.finish();
      expect(reporter.frames).toBe(2);
      reporter.finish();
      expect(stream.writes).toHaveLength(2);
    });

    it('redraws in place: cursor up over the previous block, each line cleared', () => {
      const stream = new FakeStream(true);
      const { reporter } = live(stream);
      const events = shortRun();
      for (const event of events.slice(0, 3)) reporter.event(event);
      reporter.finish();
      const [first, second] = stream.writes;
      expect(first?.startsWith(CLEAR_LINE)).toBe(true);
      expect(first?.split('\n')).toHaveLength(2);
      expect(second?.startsWith(`${cursorUp(1)}${CLEAR_LINE}`)).toBe(true);
      const lines = (second ?? '').slice(cursorUp(1).length).split('\n');
      expect(lines.at(-1)).toBe('');
      expect(lines.slice(0, -1)).toHaveLength(3);
      expect(lines.slice(0, -1).every((l) => l.startsWith(CLEAR_LINE))).toBe(true);
    });

    it('clears leftover lines when a frame is shorter than the last', () => {
      const stream = new FakeStream(true);
      const { reporter } = live(stream, { intervalMs: 0 });
      const events = shortRun();
      for (const event of events.slice(0, 8)) reporter.event(event);
      const bakeFinished = events[8];
      if (!bakeFinished) throw new Error('the short run has a ninth event');
      reporter.event(bakeFinished);
      const last = stream.writes.at(-1) ?? '';
      expect(last.startsWith(cursorUp(4))).toBe(true);
      expect(last.split('\n')).toHaveLength(5);
    });

    it('cuts lines to the terminal width so they never wrap', () => {
      const stream = new FakeStream(true, 30);
      const { reporter } = live(stream);
      for (const event of shortRun()) reporter.event(event);
      const lines = (stream.writes.at(-1) ?? '')
        .split('\n')
        .map((l) => (l.includes(CLEAR_LINE) ? l.slice(l.indexOf(CLEAR_LINE) + CLEAR_LINE.length) : l));
      expect(Math.max(...lines.map((l) => l.length))).toBe(29);
      expect(lines.some((l) => l.endsWith('…'))).toBe(true);
    });

    it('cuts lines to 80 columns on a terminal that reports 0 columns', () => {
      const stream = new FakeStream(true, 0);
      const { reporter } = live(stream);
      for (const event of shortRun()) reporter.event(event);
      expect(Math.max(...lastFrame(stream).map((l) => l.length))).toBe(79);
    });
  });

  describe('between events', () => {
    /** The short run up to its first bake: 30 s from T0 + 1.01 s. */
    const untilBake = () => shortRun().slice(0, 7);

    it('moves the bake countdown every second without an event', async () => {
      const stream = new FakeStream(true);
      const { clock, feed } = live(stream);
      await feed(untilBake());
      await clock.advance(REDRAW_INTERVAL_MS);
      expect(lastFrame(stream)[1]).toBe('app  batch 1/2  baking, 30 s left');
      await clock.advance(2_000 - REDRAW_INTERVAL_MS);
      expect(lastFrame(stream)[1]).toBe('app  batch 1/2  baking, 29 s left');
      await clock.advance(10_000);
      expect(lastFrame(stream)[1]).toBe('app  batch 1/2  baking, 19 s left');
    });

    it('draws a frame the redraw limit held back once the limit is up', async () => {
      const stream = new FakeStream(true);
      const { reporter, clock, feed } = live(stream);
      const [runStarted, componentStarted] = shortRun();
      if (!runStarted || !componentStarted) throw new Error('the short run starts with two events');
      await feed([runStarted, componentStarted]);
      expect(reporter.frames).toBe(1);
      await clock.advance(REDRAW_INTERVAL_MS - 6);
      expect(reporter.frames).toBe(1);
      await clock.advance(1);
      expect(reporter.frames).toBe(2);
      expect(lastFrame(stream)).toContain('app  starting');
    });

    it('leaves no timer behind after finish(), and writes nothing more', async () => {
      const stream = new FakeStream(true);
      const { reporter, clock, feed } = live(stream);
      await feed([
        ...untilBake(),
        ev(8, 1_020, { kind: 'check', status: 'ok', component: 'app', target: 'a' }),
      ]);
      expect(clock.pending).toBeGreaterThan(0);
      reporter.finish();
      const writes = stream.writes.length;
      expect(clock.pending).toBe(0);
      await clock.advance(60_000);
      expect(stream.writes).toHaveLength(writes);
    });

    it('does not keep a real process alive, even when finish() is never called', {
      timeout: timeoutFor({ nodes: 3 }),
    }, async () => {
      // A run that started and never finished, on the default (wall) clock: the process still exits.
      const script = [
        `import { createReporter } from ${JSON.stringify(PROGRESS)};`,
        'const stream = { isTTY: true, columns: 80, write: () => true };',
        `createReporter(stream, { ci: false }).event(${JSON.stringify(shortRun()[0])});`,
      ].join('\n');
      const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>(
        (resolve, reject) => {
          // One kept alive is killed (and the test fails) long before the test's own timeout.
          const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
            stdio: 'inherit',
            timeout: Math.max(20_000, allowFor({ nodes: 2 })),
          });
          child.once('error', reject);
          child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
        },
      );
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    });

    it('stops ticking at run_finished', async () => {
      const stream = new FakeStream(true);
      const { clock, feed } = live(stream);
      await feed(shortRun());
      const writes = stream.writes.length;
      expect(clock.pending).toBe(0);
      await clock.advance(60_000);
      expect(stream.writes).toHaveLength(writes);
    });
  });
});

describe('createReporter', () => {
  it('is live on a terminal outside CI', () => {
    expect(createReporter(new FakeStream(true), { ci: false })).toBeInstanceOf(LiveReporter);
  });

  it('is plain on a terminal in CI', () => {
    expect(createReporter(new FakeStream(true), { ci: true })).toBeInstanceOf(PlainReporter);
  });

  it('is plain when the stream is not a terminal', () => {
    expect(createReporter(new FakeStream(false), { ci: false })).toBeInstanceOf(PlainReporter);
  });

  it('reads CI as set unless empty, 0 or false', () => {
    expect([undefined, '', '0', 'false', 'FALSE', 'true', '1', 'github'].map(isCi)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
