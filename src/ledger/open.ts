import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPostgresUrl, PostgresLedger } from './postgres.ts';
import { SqliteLedger, type SqliteOptions } from './sqlite.ts';
import type { Ledger } from './types.ts';

/** Where the ledger lives when no location is given, relative to the working directory. */
export const DEFAULT_LEDGER_PATH = '.tranche/ledger.db';

/** Where a ledger location came from, as an error names it. */
export type LedgerSource = '--ledger' | 'TRANCHE_LEDGER' | 'DATABASE_URL';

/**
 * The ledger location a command uses and where it came from: the --ledger flag, else
 * TRANCHE_LEDGER, else DATABASE_URL when it is a PostgreSQL URL (DATABASE_URL often names some
 * other database: a mysql:// one is not ours to open), else undefined for the default file.
 */
export function chooseLedgerLocation(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): { location: string; from: LedgerSource } | undefined {
  if (flag !== undefined) return { location: flag, from: '--ledger' };
  if (env.TRANCHE_LEDGER !== undefined && env.TRANCHE_LEDGER !== '')
    return { location: env.TRANCHE_LEDGER, from: 'TRANCHE_LEDGER' };
  const url = env.DATABASE_URL;
  return url !== undefined && isPostgresUrl(url) ? { location: url, from: 'DATABASE_URL' } : undefined;
}

/** The location alone: see chooseLedgerLocation. */
export function ledgerLocation(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  return chooseLedgerLocation(flag, env)?.location;
}

/**
 * The ledger location when it is a credential, which commands must not inherit: a PostgreSQL URL
 * (it may carry a password). A file path or `github` is none.
 */
export function ledgerCredential(location: string | undefined): string | undefined {
  return location !== undefined && isPostgresUrl(location) ? location : undefined;
}

/** A location that names no ledger this process can open; the message never repeats a URL's password. */
export class LedgerLocationError extends Error {
  override name = 'LedgerLocationError';
}

/** `scheme://…`: a URL, not a file path (a file named `a:b` stays a file). */
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * Opens the ledger at `location`: a postgres:// (or postgresql://) URL, a SQLite file path
 * (relative paths resolve against `cwd`), `':memory:'` for a throwaway one, or undefined for
 * `<cwd>/.tranche/ledger.db`. Refuses (LedgerLocationError) an empty location, a URL of any
 * other scheme and `github`, which only `deploy --github` and the Action understand (versions
 * as tags in the repository); a file that cannot be opened is named in the error. `sqlite` applies
 * to a SQLite file only; with `existing` (a reader's) a SQLite file that is not there is refused
 * rather than created, and so is a PostgreSQL schema that holds no ledger.
 */
export async function openLedger(
  location: string | undefined,
  cwd: string,
  sqlite: SqliteOptions = {},
  { existing = false }: { existing?: boolean } = {},
): Promise<Ledger> {
  if (location === undefined) return openSqlite(resolve(cwd, DEFAULT_LEDGER_PATH), sqlite, existing);
  if (location.trim() === '') {
    throw new LedgerLocationError(
      `the ledger location is empty; give a file path or a postgres:// URL, or leave it out for ${DEFAULT_LEDGER_PATH}`,
    );
  }
  if (isPostgresUrl(location)) return PostgresLedger.open(location, { existing });
  const scheme = URL_SCHEME.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new LedgerLocationError(
      `a ${scheme}:// URL is not a ledger Tranche can open; give a postgres:// URL or a SQLite file path`,
    );
  }
  if (location === 'github') {
    throw new LedgerLocationError(
      '`github` (versions as tags in the repository) is a ledger only `tranche deploy --github` and the Action use; give a SQLite file path or a postgres:// URL',
    );
  }
  if (location === ':memory:') return SqliteLedger.open(location);
  return openSqlite(resolve(cwd, location), sqlite, existing);
}

/** The SQLite file a ledger location names (relative to `cwd`); undefined for a URL, `github` or `:memory:`. */
export function sqliteFileOf(location: string, cwd: string): string | undefined {
  if (URL_SCHEME.test(location) || location === 'github' || location === ':memory:' || location.trim() === '')
    return undefined;
  return resolve(cwd, location);
}

/**
 * Whether nothing is at `path`, where a SQLite ledger would be: only "no such file" says so; a file
 * that cannot be looked at (no permission) is an error of its own, not a ledger to make or skip.
 */
export function ledgerFileMissing(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) === undefined;
}

async function openSqlite(path: string, options: SqliteOptions, existing: boolean): Promise<Ledger> {
  if (existing && ledgerFileMissing(path)) {
    throw new LedgerLocationError(`there is no ledger at ${path} (nothing has been recorded there)`);
  }
  try {
    return await SqliteLedger.open(path, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open the ledger ${path}: ${message}`, { cause: error });
  }
}
