import type { Ledger, RunRecord } from '../../ledger/types.ts';
import { type CommonOptions, loadProject, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime, seconds, table } from '../table.ts';
import { parseSince } from '../when.ts';

export interface HistoryOptions extends CommonOptions {
  service?: string | undefined;
  limit?: string | undefined;
  version?: string | undefined;
  since?: string | undefined;
}

/** Runs, newest first, from the ledger. */
export async function historyCommand(options: HistoryOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const limit = positiveInt(options.limit ?? '20', '--limit');
  const since = options.since === undefined ? undefined : parseSince(options.since, '--since', Date.now());
  const runs = await withLedger(options, runtime, project.dir, async (ledger) => {
    const found = await ledger.runs({
      service: options.service ?? project.loaded.config.service,
      environment: options.environment,
      version: options.version,
      since,
      limit,
    });
    const dirty = await dirtyRuns(ledger, found);
    return found.map((run) => ({ ...run, dirty: dirty.has(run.runId) }));
  });
  if (options.json) {
    runtime.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.runId,
    isoTime(r.startedAt),
    r.environment,
    r.version,
    r.decision ?? 'unfinished',
    r.reasonCode ?? '-',
    seconds(r.durationMs),
    `${(r.commit ?? '-').slice(0, 12)}${r.dirty ? ' (dirty)' : ''}`,
  ]);
  runtime.stdout.write(
    `${table(['run', 'started', 'environment', 'version', 'decision', 'reason', 'duration', 'commit'], rows)}\n`,
  );
  return 0;
}

/** The runs deployed from a work tree with uncommitted changes (--allow-dirty), as their run_started says. */
async function dirtyRuns(ledger: Ledger, runs: RunRecord[]): Promise<Set<string>> {
  const starts = await Promise.all(runs.map((run) => ledger.events({ runId: run.runId, limit: 1 })));
  return new Set(
    starts
      .flat()
      .filter((event) => event.kind === 'run_started' && event.data?.dirty === true)
      .map((event) => event.runId),
  );
}

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option}: expected a whole number ≥ 1, got '${text}'`);
  return n;
}
