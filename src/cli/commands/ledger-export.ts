import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { writeBundle } from '../../ledger/bundle.ts';
import type { LedgerRecord, LedgerRecordType } from '../../ledger/types.ts';
import { counted } from '../../render/format.ts';
import { bundleKey } from '../bundle-key.ts';
import { type CommonOptions, configDir, withLedger } from '../project.ts';
import type { Output, Runtime } from '../runtime.ts';
import { isoTime } from '../table.ts';
import { parseSince } from '../when.ts';

export interface LedgerExportOptions extends CommonOptions {
  since?: string | undefined;
  output?: string | undefined;
}

/**
 * Writes a signed bundle of what the ledger recorded since --since (default: everything) to
 * --output or stdout, for `tranche ledger import` on another ledger. The summary goes to stderr
 * when the bundle goes to stdout.
 */
export async function ledgerExportCommand(options: LedgerExportOptions, runtime: Runtime): Promise<number> {
  const key = bundleKey(runtime);
  const now = Date.now();
  const since = options.since === undefined ? 0 : parseSince(options.since, '--since', now);
  const counts: Record<LedgerRecordType, number> = {
    version: 0,
    run: 0,
    event: 0,
    target: 0,
    outcome: 0,
    verdict: 0,
    watch: 0,
  };
  await withLedger(
    options,
    runtime,
    configDir(options, runtime),
    async (ledger) => {
      async function* tallied(): AsyncIterable<LedgerRecord> {
        for await (const record of ledger.exportRecords(since)) {
          counts[record.type] += 1;
          yield record;
        }
      }
      const lines = writeBundle(tallied(), key, { exportedAt: now, since });
      if (options.output === undefined) await writeLines(lines, runtime.stdout);
      else await writeFile(lines, options.output, runtime.cwd);
    },
    'existing',
  );
  const summary = { file: options.output ?? null, since, records: counts };
  const report = options.output === undefined ? runtime.stderr : runtime.stdout;
  report.write(
    options.json
      ? `${JSON.stringify(summary)}\n`
      : `exported ${counted(counts.version, 'version')}, ${counted(counts.run, 'run')}, ${counted(counts.event, 'event')}, ${counted(counts.target, 'target state')}, ${counted(counts.outcome, 'outcome')}, ${counted(counts.verdict, 'verdict override')}` +
          ` and ${counted(counts.watch, 'watch transition')}` +
          ` recorded since ${isoTime(since)}${options.output === undefined ? '' : ` to ${options.output}`}\n`,
  );
  return 0;
}

async function writeLines(lines: AsyncIterable<string>, out: Output): Promise<void> {
  for await (const line of lines) out.write(line);
}

/** Writes the bundle to a file, waiting for the disk when it falls behind, and for the close. */
async function writeFile(lines: AsyncIterable<string>, path: string, cwd: string): Promise<void> {
  const file = createWriteStream(resolve(cwd, path));
  const failed = once(file, 'error').then(([error]) => Promise.reject(error));
  failed.catch(() => undefined);
  for await (const line of lines) {
    if (!file.write(line)) await Promise.race([once(file, 'drain'), failed]);
  }
  file.end();
  await Promise.race([once(file, 'close'), failed]);
}
