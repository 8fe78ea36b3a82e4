/**
 * For tests that need PostgreSQL: the cluster the global setup started (postgres-setup.ts), a
 * database of this test file's own, and a fresh, empty ledger schema in it per call.
 *
 *   describePostgres('PostgreSQL ledger', () => { ... await PostgresLedger.open(await freshLedgerUrl()) ... });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** url is null when PostgreSQL could not be started outside CI; reason says why. */
    postgres: { url: string; reason: null } | { url: null; reason: string };
  }
}

const provided = inject('postgres');

/** False outside CI when PostgreSQL could not be started (the global setup said why). */
export const postgresAvailable = provided.url !== null;

/** A describe that is skipped (with the global setup's message) when there is no PostgreSQL. */
export const describePostgres = describe.skipIf(!postgresAvailable);

function clusterUrl(): string {
  if (provided.url === null) throw new Error(`no PostgreSQL for this test: ${provided.reason}`);
  return provided.url;
}

let fileDatabase: Promise<string> | undefined;

/** A database created for the calling test file (once per file), as a URL. */
export function testDatabaseUrl(): Promise<string> {
  fileDatabase ??= freshDatabaseUrl();
  return fileDatabase;
}

/** A new, empty database, as a URL. */
export async function freshDatabaseUrl(): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A ledger URL whose schema does not exist yet, in this test file's database. */
export async function freshLedgerUrl(): Promise<string> {
  const url = new URL(await testDatabaseUrl());
  url.searchParams.set('schema', `s_${randomBytes(6).toString('hex')}`);
  return url.toString();
}

/** Runs `use` with a plain client on the ledger URL's database, its search_path on the ledger's schema. */
export async function withClient<T>(ledgerUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(ledgerUrl);
  const schema = url.searchParams.get('schema') ?? 'tranche';
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
