import { resolve } from 'node:path';
import { isPostgresUrl, PostgresLedger } from './postgres.ts';
import { SqliteLedger } from './sqlite.ts';
import type { Ledger } from './types.ts';

/** Where the ledger lives when no location is given, relative to the working directory. */
export const DEFAULT_LEDGER_PATH = '.tranche/ledger.db';

/**
 * The ledger location a command uses: the --ledger flag, else TRANCHE_LEDGER, else DATABASE_URL
 * when it is a PostgreSQL URL (DATABASE_URL often names some other database: a mysql:// one is
 * not ours to open), else undefined for the default file.
 */
export function ledgerLocation(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (flag !== undefined) return flag;
  if (env.TRANCHE_LEDGER !== undefined && env.TRANCHE_LEDGER !== '') return env.TRANCHE_LEDGER;
  const url = env.DATABASE_URL;
  return url !== undefined && isPostgresUrl(url) ? url : undefined;
}

/**
 * Opens the ledger at `location`: a postgres:// (or postgresql://) URL, a SQLite file path
 * (relative paths resolve against `cwd`), `':memory:'` for a throwaway one, or undefined for
 * `<cwd>/.tranche/ledger.db`.
 */
export async function openLedger(location: string | undefined, cwd: string): Promise<Ledger> {
  if (location === undefined) return SqliteLedger.open(resolve(cwd, DEFAULT_LEDGER_PATH));
  if (location.trim() === '') {
    throw new Error(
      `the ledger location is empty; give a file path or a postgres:// URL, or leave it out for ${DEFAULT_LEDGER_PATH}`,
    );
  }
  if (isPostgresUrl(location)) return PostgresLedger.open(location);
  if (location === ':memory:') return SqliteLedger.open(location);
  return SqliteLedger.open(resolve(cwd, location));
}
