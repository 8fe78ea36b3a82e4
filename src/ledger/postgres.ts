/**
 * The shared ledger: a PostgreSQL database that many CI runners, bot replicas and controllers use
 * at once. The tables live in their own schema (`tranche`, or `?schema=` in the URL), so the
 * ledger can share a database with an application without touching its tables.
 *
 * Writers wait for each other on row locks (the version counter's, a lock's) inside plain
 * READ COMMITTED transactions; migrations take a transaction-scoped advisory lock first, so
 * processes that start together on an empty database apply each step exactly once.
 *
 * Durability matches the SQLite ledger's: events and target states commit without waiting for
 * the WAL flush (`synchronous_commit = off`: a crash of Tranche loses nothing, a crash of the
 * server may lose the last few hundred milliseconds, and never corrupts anything), while a
 * version allocation waits for it (`SET LOCAL synchronous_commit = on`): a version handed out
 * must not be handed out again after a power cut.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Row, SqlConnection, SqlSession, TransactionOptions } from './connection.ts';
import { COMMIT, POSTGRES_DIALECT, ROLLBACK } from './sql.ts';
import { migrate, SqlLedger } from './sql-ledger.ts';
import { bind, compiler, type ParamArgs, type SqlParam } from './statement.ts';
import { storable } from './storable.ts';

export const DEFAULT_SCHEMA = 'tranche';
/** The advisory lock migrations hold: an arbitrary constant, "tran" in ASCII. */
const MIGRATION_LOCK_KEY = 0x7472616e;
/** How long opening waits for the server before giving up. */
const CONNECT_TIMEOUT_MS = 10_000;
/** serialization_failure, deadlock_detected: the server aborted one side of a conflict; run it again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;
/**
 * The server went away (restarted, failed over, shutting down) or the connection broke: codes of
 * Node's sockets and PostgreSQL's classes 08 (connection exception) and 57P (operator intervention).
 */
const CONNECTION_LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);
/** pg's own errors for a connection that ended under it carry no code, only these messages. */
const CONNECTION_LOST_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect/i;
/** How long a statement keeps trying while the server is away: long enough for a restart or a failover. */
const RECONNECT_WINDOW_MS = 60_000;
const RECONNECT_DELAY_MS = { first: 100, max: 2000 };
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** A schema holds a ledger once its first migration made the table of migrations. */
const SELECT_LEDGER_TABLE =
  "SELECT 1 FROM information_schema.tables WHERE table_schema = $schema AND table_name = 'schema_migrations'" as const;

export function isPostgresUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/** A ledger URL as it may be shown: any password replaced by `***`. */
export function redactUrl(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return 'postgres://(unparseable URL)';
  }
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (/pass/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}

export class PostgresLedger extends SqlLedger {
  /**
   * Connects to the database at `location` (a postgres:// URL) and brings the schema up to date.
   * With `existing` (a reader's) a schema that holds no ledger is refused rather than created.
   */
  static async open(
    location: string,
    { existing = false }: { existing?: boolean } = {},
  ): Promise<PostgresLedger> {
    const description = redactUrl(location);
    const { config, schema, secrets } = poolConfig(location, description);
    const pool = new pg.Pool(config);
    // An idle client that loses its server is dropped from the pool, and the next query opens a
    // new one (or fails and says why); without a listener the error would end the process.
    pool.on('error', () => undefined);
    const connection = new PostgresConnection(pool, description, schema);
    try {
      if (existing && (await connection.query(SELECT_LEDGER_TABLE, { schema })).length === 0) {
        throw new Error(`schema ${schema} holds no ledger (nothing has been recorded there)`);
      }
      await migrate(connection);
      connection.reached = true;
      return new PostgresLedger(connection);
    } catch (error) {
      await pool.end();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`could not open the ledger ${description}: ${scrub(message, secrets)}`, {
        cause: error,
      });
    }
  }
}

function poolConfig(
  location: string,
  description: string,
): { config: pg.PoolConfig; schema: string; secrets: string[] } {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Not even the message of URL's error: it would carry the whole location.
    throw new Error(
      `the ledger URL ${description} is not a valid URL (postgres://user:password@host:port/database)`,
    );
  }
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `the ledger URL ${description} names schema "${schema}": use lower-case letters, digits and _ (the default is ${DEFAULT_SCHEMA})`,
    );
  }
  url.searchParams.delete('schema');
  // The URL's own startup options come first, then the ledger's: its schema, its durability.
  const options = [url.searchParams.get('options'), `-c search_path=${schema}`, '-c synchronous_commit=off']
    .filter(Boolean)
    .join(' ');
  url.searchParams.delete('options');
  const secrets = [url.password, decodeURIComponent(url.password)].filter((s) => s.length > 0);
  return {
    config: {
      connectionString: url.toString(),
      options,
      application_name: 'tranche',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    },
    schema,
    secrets,
  };
}

/** The message with every occurrence of a secret replaced. */
function scrub(message: string, secrets: string[]): string {
  return secrets.reduce((text, secret) => text.replaceAll(secret, '***'), message);
}

class PostgresConnection implements SqlConnection {
  readonly dialect = POSTGRES_DIALECT;
  readonly description: string;
  readonly migrationPreamble: string[];
  private readonly pool: pg.Pool;
  /**
   * Once the server has answered (the ledger opened), a lost connection is waited out; before, a
   * wrong address or a server that is down fails at once.
   */
  reached = false;

  constructor(pool: pg.Pool, description: string, schema: string) {
    this.pool = pool;
    this.description = description;
    this.migrationPreamble = [
      `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
      `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    ];
  }

  /** One statement; again while the server is away, unless it may have been carried out (see whileReconnecting). */
  query<S extends string>(sql: S, ...params: ParamArgs<S>): Promise<Row[]> {
    const readOnly = /^\s*SELECT\b/i.test(sql);
    return this.whileReconnecting(async (outcomeUnknown) => {
      const out = await this.checkout();
      let broken = false;
      try {
        if (!readOnly) outcomeUnknown();
        return (await out.client.query(statement(sql, params[0]))).rows;
      } catch (error) {
        broken = isConnectionLost(out.lost ?? error);
        throw out.lost ?? error;
      } finally {
        out.release(broken);
      }
    });
  }

  /** Runs `work` in a transaction, again when the server aborts it in a conflict or goes away before the commit. */
  transaction<T>(work: (session: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.whileReconnecting((outcomeUnknown) => this.attempt(work, options, outcomeUnknown));
  }

  /** Runs `work` in a REPEATABLE READ READ ONLY transaction; a read is safe to run again after a lost connection. */
  snapshot<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.whileReconnecting(() =>
      this.attempt(work, { begin: POSTGRES_DIALECT.beginRead }, () => undefined),
    );
  }

  private whileReconnecting<T>(work: (outcomeUnknown: () => void) => Promise<T>): Promise<T> {
    return this.reached ? whileReconnecting(work) : work(() => undefined);
  }

  private async attempt<T>(
    work: (session: SqlSession) => Promise<T>,
    options: TransactionOptions & { begin?: string },
    outcomeUnknown: () => void,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.checkout();
      const { client } = out;
      let broken = false;
      try {
        await client.query(options.begin ?? POSTGRES_DIALECT.beginWrite);
        // Everyday commits do not wait for the WAL flush (see the top of this module); this one does.
        if (options.durable) await client.query('SET LOCAL synchronous_commit = on');
        const result = await work({
          query: async (sql, ...params) => (await client.query(statement(sql, params[0]))).rows,
        });
        outcomeUnknown();
        await client.query(COMMIT);
        return result;
      } catch (failure) {
        // The server's own word when it ended the session between two statements (57P01 on a
        // restart: the transaction was rolled back), not the next statement's "not queryable".
        const error = out.lost ?? failure;
        try {
          await client.query(ROLLBACK);
        } catch {
          broken = true;
        }
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        // A client whose rollback failed is in an unknown state: the pool closes it.
        out.release(broken);
      }
    }
  }

  /**
   * A client of the pool, listened to while it is out. The pool listens only to idle ones, and a
   * server that ends the session while no statement runs (between two of a transaction's)
   * emits an error on the client: unheard, it would end the process. Heard, it is `lost`, the
   * next statement fails, and the client is closed on release.
   */
  private async checkout(): Promise<{
    client: pg.PoolClient;
    lost: unknown;
    release(broken: boolean): void;
  }> {
    const client = await this.pool.connect();
    const out = {
      client,
      lost: undefined as unknown,
      release(broken: boolean) {
        client.off('error', onError);
        client.release(broken || out.lost !== undefined);
      },
    };
    const onError = (error: Error) => {
      out.lost ??= error;
    };
    client.on('error', onError);
    return out;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

const names = new Map<string, string>();
const compile = compiler(POSTGRES_DIALECT.marker);

/** A query for pg: `$n` markers; named (so prepared once per connection) when it has parameters. */
function statement(sql: string, params: Readonly<Record<string, SqlParam>> = {}): pg.QueryConfig {
  const compiled = compile(sql);
  const { text } = compiled;
  if (compiled.names.length === 0) {
    bind(compiled, params);
    return { text };
  }
  let name = names.get(text);
  if (name === undefined) {
    name = `tranche_${names.size + 1}`;
    names.set(text, name);
  }
  return { name, text, values: bind(compiled, params).map(storable) };
}

/**
 * Runs `work`, and again with backoff for up to a minute while the connection to the server is
 * lost, so that a restarted or failed-over server does not end a run that is deploying. Only
 * while nothing can have been carried out: `work` calls `outcomeUnknown` before a step that, cut
 * off, may or may not have been (a commit, a write outside a transaction); a connection lost
 * after that is an error, since doing the write again could do it twice, unless the server
 * answered that it ended the session first (abortedByServer).
 */
async function whileReconnecting<T>(work: (outcomeUnknown: () => void) => Promise<T>): Promise<T> {
  const deadline = Date.now() + RECONNECT_WINDOW_MS;
  for (let delay = RECONNECT_DELAY_MS.first; ; delay = Math.min(delay * 2, RECONNECT_DELAY_MS.max)) {
    let unknown = false;
    try {
      return await work(() => {
        unknown = true;
      });
    } catch (error) {
      const retry = isConnectionLost(error) && (!unknown || abortedByServer(error));
      if (!retry || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

/**
 * The server itself ended the statement's session (class 57P, operator intervention: shut down,
 * crashed, starting up): it answered with the error instead of carrying the statement out, so
 * its transaction was rolled back and doing it again does it once.
 */
function abortedByServer(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && String(error.code).startsWith('57P')
  );
}

function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  const message = 'message' in error ? String(error.message) : '';
  return CONNECTION_LOST.has(code) || CONNECTION_LOST_MESSAGE.test(message);
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && RETRYABLE.has(String(error.code));
}
