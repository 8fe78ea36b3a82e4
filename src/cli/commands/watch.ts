import { createChecker } from '../../checks/checker.ts';
import { resolveEnvironment } from '../../config/resolve.ts';
import { systemClock } from '../../engine/clock.ts';
import type { TargetState } from '../../engine/ports.ts';
import { ShellExecutor } from '../../exec/shell-executor.ts';
import type { WatchState, WatchTransition } from '../../ledger/watch-types.ts';
import { isCi } from '../../render/progress.ts';
import { type WatchListener, type WatchRound, watch } from '../../watch/loop.ts';
import type { WatchCell } from '../../watch/matrix.ts';
import { cellKey, type WatchPlan, watchPlan, watchRows } from '../../watch/plan.ts';
import { LiveBlock, renderFrame, transitionLine } from '../../watch/view.ts';
import {
  type CommonOptions,
  chooseEnvironment,
  loadProject,
  projectCommandEnv,
  withLedger,
} from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { parseAge } from '../when.ts';

export interface WatchOptions extends CommonOptions {
  interval?: string | undefined;
  once?: boolean | undefined;
}

/** Checks running at once. */
const PARALLEL = 8;

/**
 * Runs every check of the environment against every target, round after round, and shows the
 * targets × checks matrix turning red and green; each change is recorded in the ledger. Exit
 * codes: with --once, 0 when every cell is green and 1 when any is red; otherwise 0 once stopped
 * (Ctrl-C, SIGTERM, or stdout's reader going away).
 */
export async function watchCommand(options: WatchOptions, runtime: Runtime): Promise<number> {
  const intervalMs = parseAge(options.interval ?? '15s', '--interval');
  if (intervalMs <= 0)
    throw new UsageError(`--interval: expected a duration above zero, got '${options.interval}'`);
  const project = await loadProject(options, runtime);
  const environment = chooseEnvironment(project, options);
  const plan = watchPlan(resolveEnvironment(project.loaded.config, environment), environment);
  if (plan.cells.length === 0) {
    throw new UsageError(
      `nothing to watch in ${environment}: its components list no checks a target can be watched with` +
        (plan.unwatched.length > 0
          ? ` (only analysis checks, which run in a deploy: ${plan.unwatched.join(', ')})`
          : ''),
    );
  }
  const env = projectCommandEnv(project, options, runtime);
  const executor = new ShellExecutor({ baseEnv: env });
  const checker = createChecker({ executor, env });
  const every = options.once ? undefined : intervalMs;
  const show = options.json
    ? jsonOutput(runtime, every)
    : runtime.stdout.isTTY === true && !isCi(runtime.env.CI)
      ? liveOutput(runtime, every)
      : logOutput(runtime, every);
  const controller = new AbortController();
  const stop = () => controller.abort();
  const unsubscribe = [runtime.onSignal(stop), runtime.onStdoutClosed(stop)];
  try {
    const last = await withLedger(options, runtime, project.dir, (ledger) =>
      watch({
        plan,
        ledger,
        checker,
        clock: systemClock,
        cwd: project.dir,
        intervalMs,
        parallel: PARALLEL,
        once: options.once,
        signal: controller.signal,
        listener: show(plan),
      }),
    );
    if (!options.once) return 0;
    return last !== null && [...last.cells.values()].every((c) => c.state === 'green') ? 0 : 1;
  } finally {
    for (const undo of unsubscribe) undo();
  }
}

type Output = (runtime: Runtime, intervalMs: number | undefined) => (plan: WatchPlan) => WatchListener;

/** A terminal: the matrix redrawn in place as cells change and rounds end. */
const liveOutput: Output = (runtime, intervalMs) => (plan) => {
  const block = new LiveBlock(runtime.stdout);
  const cells = new Map<string, WatchCell>();
  let targets: readonly TargetState[] | undefined;
  let round = 0;
  let at: number | undefined;
  const draw = () => block.draw(renderFrame({ plan, intervalMs, cells, targets, round, at }));
  draw();
  return {
    observed(cell) {
      const key = cellKey(cell);
      const before = cells.get(key);
      cells.set(key, cell);
      if (before?.state !== cell.state) draw();
    },
    round(done) {
      ({ targets, round, at } = done);
      draw();
    },
  };
};

/** A log: the matrix after the first round, then a line per cell that changes. */
const logOutput: Output = (runtime, intervalMs) => (plan) =>
  afterFirstRound(
    (first) => {
      const frame = renderFrame({ plan, intervalMs, ...first });
      runtime.stdout.write(`${frame.join('\n')}\n`);
    },
    (transition, from) => runtime.stdout.write(`${transitionLine(transition, from)}\n`),
  );

/** --json: a snapshot of the matrix after the first round, then a line per cell that changes. */
const jsonOutput: Output = (runtime) => (plan) =>
  afterFirstRound(
    (first) => {
      const cells = [...first.cells.values()];
      const snapshot = {
        type: 'snapshot',
        service: plan.service,
        environment: plan.environment,
        at: first.at,
        checks: plan.checks,
        unwatched: plan.unwatched,
        targets: watchRows(plan).map((row) => ({ ...row, version: versionOf(first.targets, row) })),
        cells,
        green: cells.filter((c) => c.state === 'green').length,
        red: cells.filter((c) => c.state === 'red').length,
      };
      runtime.stdout.write(`${JSON.stringify(snapshot)}\n`);
    },
    (transition, from) =>
      runtime.stdout.write(`${JSON.stringify({ type: 'transition', ...transition, from })}\n`),
  );

/** Shows the first round whole, then only the transitions after it. */
function afterFirstRound(
  first: (round: WatchRound) => void,
  transition: (transition: WatchTransition, from: WatchState | null) => void,
): WatchListener {
  let shown = false;
  return {
    round(done) {
      if (shown) return;
      shown = true;
      first(done);
    },
    transition(t, from) {
      if (shown) transition(t, from);
    },
  };
}

/** What the ledger says a target runs; null before its first deploy. */
function versionOf(
  targets: readonly TargetState[],
  row: { component: string; target: string },
): string | null {
  return targets.find((t) => t.component === row.component && t.target === row.target)?.version ?? null;
}
