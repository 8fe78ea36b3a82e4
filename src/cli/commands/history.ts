import type { InventorySpec } from '../../engine/ports.ts';
import { runActionOf, runStarts } from '../../release/run-starts.ts';
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
  const service = options.service ?? project.loaded.config.service;
  const runs = await withLedger(
    options,
    runtime,
    project.dir,
    async (ledger) => {
      const found = await ledger.runs({
        service,
        environment: options.environment,
        version: options.version,
        since,
        limit,
      });
      const starts = await runStarts(ledger, found);
      return found.map((run) => {
        const events = starts.get(run.runId) ?? [];
        const started = events.find((e) => e.kind === 'run_started');
        const action = runActionOf(events);
        const dirty = started?.data?.dirty === true;
        const inventory = events.find((e) => e.kind === 'inventory');
        return { ...run, action, dirty, ...(inventory ? { inventory: inventory.data?.components } : {}) };
      });
    },
    'read',
  );
  if (options.json) {
    runtime.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    const which = [
      options.environment && `in ${options.environment}`,
      options.version && `of version ${options.version}`,
      options.since && `since ${options.since}`,
    ].filter(Boolean);
    runtime.stdout.write(`no runs of ${[service, ...which].join(' ')} in the ledger\n`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.runId,
    isoTime(r.startedAt),
    r.environment,
    r.action,
    r.version,
    r.decision ?? 'unfinished',
    r.reasonCode ?? '-',
    seconds(r.durationMs),
    `${(r.commit ?? '-').slice(0, 12)}${r.dirty ? ' (dirty)' : ''}`,
    r.actor ?? '-',
  ]);
  const inventories = runs.flatMap((r) =>
    r.inventory === undefined ? [] : [`${r.runId}: inventory ${inventoryLine(r.inventory)}`],
  );
  runtime.stdout.write(
    `${table(['run', 'started', 'environment', 'action', 'version', 'decision', 'reason', 'duration', 'commit', 'by'], rows)}\n`,
  );
  if (inventories.length > 0) runtime.stdout.write(`${inventories.join('\n')}\n`);
  return 0;
}

/** `web: 7 target(s) from command ./inventory.sh` per component. */
function inventoryLine(inventory: unknown): string {
  const components = Array.isArray(inventory) ? (inventory as InventorySpec[]) : [];
  return components.map((c) => `${c.component}: ${c.targets.length} target(s) from ${c.source}`).join('; ');
}

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option}: expected a whole number ≥ 1, got '${text}'`);
  return n;
}
