import { resolve } from 'node:path';
import { SqliteLedger } from './sqlite.ts';
import type { Ledger } from './types.ts';

/** Where the ledger lives when no location is given, relative to the working directory. */
export const DEFAULT_LEDGER_PATH = '.tranche/ledger.db';

/**
 * Opens the ledger at `location`: a SQLite file path (relative paths resolve against `cwd`),
 * `':memory:'` for a throwaway one, or undefined for `<cwd>/.tranche/ledger.db`.
 */
export async function openLedger(location: string | undefined, cwd: string): Promise<Ledger> {
  if (location === undefined) return SqliteLedger.open(resolve(cwd, DEFAULT_LEDGER_PATH));
  if (location.trim() === '') {
    throw new Error(
      `the ledger location is empty; give a file path or leave it out for ${DEFAULT_LEDGER_PATH}`,
    );
  }
  if (/^postgres(?:ql)?:\/\//i.test(location)) {
    // The URL may carry a password: keep it out of the message.
    throw new Error(
      'the PostgreSQL ledger backend is not available yet; use a SQLite file path for the ledger ' +
        `(the default is ${DEFAULT_LEDGER_PATH})`,
    );
  }
  if (location === ':memory:') return SqliteLedger.open(location);
  return SqliteLedger.open(resolve(cwd, location));
}
