import { systemClock } from '../../engine/clock.ts';
import type { Reporter } from '../../engine/ports.ts';
import type { Ledger, RunRecord } from '../../ledger/types.ts';
import { runsInProgress } from '../../release/deployment-records.ts';
import { createReporter, isCi } from '../../render/progress.ts';
import { runGone } from '../deploy-lock.ts';
import { followRun } from '../follow.ts';
import { type CommonOptions, chooseEnvironment, configDir, loadProject, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime } from '../table.ts';
import { parseAge } from '../when.ts';

export interface TailOptions extends CommonOptions {
  run?: string | undefined;
  poll?: string | undefined;
}

/**
 * Follows a run's events live from the ledger, from any terminal or machine that reaches it: the
 * run given by --run, or the environment's newest run in progress (see runsInProgress). Exit codes: 0 when the run
 * succeeded; 1 when it rolled back, halted or was cancelled, or following was interrupted.
 */
export async function tailCommand(options: TailOptions, runtime: Runtime): Promise<number> {
  const pollMs = parseAge(options.poll ?? '1s', '--poll');
  // With --run the config is not needed: a shared ledger can be followed from anywhere.
  const where = options.run === undefined ? await newestUnfinished(options, runtime) : undefined;
  const dir = where?.dir ?? configDir(options, runtime);
  return withLedger(
    options,
    runtime,
    dir,
    async (ledger) => {
      const run = await chooseRun(ledger, options, where);
      const progress = options.json ? runtime.stderr : runtime.stdout;
      progress.write(
        `following run ${run.runId}: ${run.service} ${run.version} → ${run.environment}, started ${isoTime(run.startedAt)}` +
          ' (Ctrl-C stops following, not the run)\n',
      );
      const reporter: Reporter & { finish?: () => void } = options.json
        ? { event: (event) => void runtime.stdout.write(`${JSON.stringify(event)}\n`) }
        : createReporter(runtime.stdout, { ci: isCi(runtime.env.CI) });
      const controller = new AbortController();
      const stop = () => controller.abort();
      const unsubscribe = [runtime.onSignal(stop), runtime.onStdoutClosed(stop)];
      try {
        const outcome = await followRun(ledger, run.runId, reporter, {
          clock: systemClock,
          pollMs,
          signal: controller.signal,
          gone: () => runGone(ledger, run, systemClock.now()),
        });
        if (outcome.gone !== undefined)
          progress.write(
            `run ${run.runId} died without finishing (${outcome.gone}); the next deploy or rollback of ${run.environment} on this host records its end and takes over its targets\n`,
          );
        else if (!outcome.finished) progress.write(`stopped following run ${run.runId}; it goes on\n`);
        return outcome.decision === 'succeeded' ? 0 : 1;
      } finally {
        for (const undo of unsubscribe) undo();
        reporter.finish?.();
      }
    },
    'read',
  );
}

interface Where {
  dir: string;
  service: string;
  environment: string;
}

async function newestUnfinished(options: TailOptions, runtime: Runtime): Promise<Where> {
  const project = await loadProject(options, runtime);
  return {
    dir: project.dir,
    service: project.loaded.config.service,
    environment: chooseEnvironment(project, options),
  };
}

async function chooseRun(ledger: Ledger, options: TailOptions, where: Where | undefined): Promise<RunRecord> {
  if (where === undefined) {
    const runId = options.run as string;
    const [run] = await ledger.runs({ runId });
    if (!run) throw new UsageError(`--run ${runId}: no such run in the ledger (tranche history lists runs)`);
    return run;
  }
  const newest = (finished: boolean) =>
    ledger.runs({ service: where.service, environment: where.environment, finished, limit: 1 });
  const [[unfinished], [finished]] = await Promise.all([newest(false), newest(true)]);
  const [run] = runsInProgress([unfinished, finished].filter((r) => r !== undefined));
  if (!run) {
    const dead = unfinished
      ? ` (run ${unfinished.runId}, started ${isoTime(unfinished.startedAt)}, never finished, and a later run has)`
      : '';
    throw new UsageError(
      `no run of ${where.service} in ${where.environment} in progress to follow${dead}; give --run ID to replay one (tranche history lists runs)`,
    );
  }
  return run;
}
