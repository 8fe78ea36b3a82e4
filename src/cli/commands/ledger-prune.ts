import { type CommonOptions, configDir, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime } from '../table.ts';
import { parseAge } from '../when.ts';

export interface LedgerPruneOptions extends CommonOptions {
  keep?: string | undefined;
  dryRun?: boolean | undefined;
}

/**
 * Drops fine-grained events, the bot's webhook delivery claims and `tranche watch`'s transitions
 * older than --keep; every version's final state stays: versions, runs with their decisions,
 * target states, each run's run_started and run_finished, and each watched cell's newest transition.
 */
export async function ledgerPruneCommand(options: LedgerPruneOptions, runtime: Runtime): Promise<number> {
  if (options.keep === undefined) throw new UsageError('--keep is required, e.g. --keep 90d');
  const before = Date.now() - parseAge(options.keep, '--keep');
  const result = await withLedger(
    options,
    runtime,
    configDir(options, runtime),
    (ledger) => ledger.prune(before, { dryRun: options.dryRun }),
    'read',
  );
  if (options.json) {
    runtime.stdout.write(`${JSON.stringify({ ...result, dryRun: options.dryRun === true })}\n`);
    return 0;
  }
  const kinds = Object.entries(result.removed).map(([kind, n]) => `${kind} ${n}`);
  const verb = options.dryRun ? 'would remove' : 'removed';
  runtime.stdout.write(
    `${verb} ${result.events} events recorded before ${isoTime(before)}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}` +
      `, ${result.deliveries} webhook delivery claim(s) of the bot and ${result.watchTransitions} watch transition(s); ` +
      "kept every version, run, target state, each run's run_started and run_finished and each watched cell's newest transition\n",
  );
  return 0;
}
