import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { BundleError, type BundleHeader, readBundle } from '../../ledger/bundle.ts';
import { type LedgerRecord, type LedgerRecordType, VersionClashError } from '../../ledger/types.ts';
import { bundleKey } from '../bundle-key.ts';
import { type CommonOptions, configDir, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime } from '../table.ts';

const NOUNS: Record<LedgerRecordType, string> = {
  version: 'versions',
  run: 'runs',
  event: 'events',
  target: 'target states',
  outcome: 'outcomes',
  verdict: 'verdict overrides',
  watch: 'watch transitions',
};

/**
 * Merges a bundle from `tranche ledger export` into this ledger. The whole bundle is verified
 * before anything is written; then it is read (and verified) again inside one transaction, so a
 * bundle that fails, or a version that clashes, leaves the ledger as it was.
 */
export async function ledgerImportCommand(
  file: string,
  options: CommonOptions,
  runtime: Runtime,
): Promise<number> {
  const key = bundleKey(runtime);
  const path = resolve(runtime.cwd, file);
  const header = await verify(path, key, file).catch(asUsageError(file));
  const counts = await withLedger(options, runtime, configDir(options, runtime), async (ledger) => {
    let line = 0;
    async function* records(): AsyncIterable<LedgerRecord> {
      for await (const entry of readBundle(lines(path), key, file)) {
        line = entry.line;
        yield entry.record;
      }
    }
    try {
      return await ledger.importRecords(records);
    } catch (error) {
      if (error instanceof BundleError) throw new UsageError(`${error.message}; nothing was imported`);
      if (error instanceof VersionClashError) {
        throw new VersionClashError(`${file}:${line}: ${error.message}; nothing was imported`, {
          cause: error,
        });
      }
      throw error;
    }
  });
  if (options.json) {
    runtime.stdout.write(
      `${JSON.stringify({ file, exportedAt: header.exportedAt, since: header.since, counts })}\n`,
    );
    return 0;
  }
  const parts = (Object.keys(NOUNS) as LedgerRecordType[]).map(
    (type) => `${NOUNS[type]} ${counts[type].written} new, ${counts[type].present} already here`,
  );
  runtime.stdout.write(
    `imported ${file} (exported ${isoTime(header.exportedAt)}, records since ${isoTime(header.since)}): ${parts.join('; ')}\n`,
  );
  return 0;
}

/** Reads the whole bundle once, checking every signature; the header. */
async function verify(path: string, key: Buffer, name: string): Promise<BundleHeader> {
  const reader = readBundle(lines(path), key, name);
  for (;;) {
    const next = await reader.next();
    if (next.done) return next.value;
  }
}

/** A bundle that fails verification, or a file that is not there, is bad input: exit 2. */
function asUsageError(file: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof BundleError) throw new UsageError(`${error.message}; nothing was imported`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    throw error;
  };
}

function lines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
}
