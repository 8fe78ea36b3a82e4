/**
 * What the shared ledger (sql-ledger.ts) needs from a database: run one statement, or run several
 * in one write transaction or one read snapshot. sqlite.ts and postgres.ts each adapt their driver to it, keeping their
 * own ways of waiting for each other (SQLite's busy retries, PostgreSQL's row locks).
 */
import type { SqlDialect } from './sql.ts';
import type { ParamArgs } from './statement.ts';

/** A result row by column name. Numbers may arrive as strings (PostgreSQL's BIGINT): read them with Number(). */
export type Row = Record<string, unknown>;

export interface SqlSession {
  /**
   * Runs one statement with its named parameters (`$name`: an object with exactly those keys, see
   * statement.ts); resolves to the rows it returns (none for most writes).
   */
  query<S extends string>(sql: S, ...params: ParamArgs<S>): Promise<Row[]>;
}

export interface TransactionOptions {
  /**
   * The commit must survive a power cut before it resolves, whatever the connection's everyday
   * durability: a version handed out twice is worse than a slower allocation.
   */
  durable?: boolean | undefined;
}

export interface SqlConnection extends SqlSession {
  readonly dialect: SqlDialect;
  /** Where the ledger lives, fit for messages: a file path, or a URL without its password. */
  readonly description: string;
  /** Statements that open every migration transaction: the backend's lock against concurrent migrations. */
  readonly migrationPreamble: string[];
  /**
   * Runs `work` in a write transaction and commits it, or rolls it back if `work` throws. On a
   * conflict the database resolves by aborting one side (busy, serialisation failure, deadlock)
   * the whole of `work` runs again: it must query only through the session and read its inputs
   * afresh each time.
   */
  transaction<T>(work: (session: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `work`'s reads in one read transaction: every statement sees the same committed state,
   * whatever commits meanwhile. `work` must only read, and only through the session.
   */
  snapshot<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * `connection` as seen from inside one of its transactions or snapshots: every statement runs in
 * `session`, and a transaction or snapshot asked for there is part of the one already open.
 */
export function within(connection: SqlConnection, session: SqlSession): SqlConnection {
  return {
    dialect: connection.dialect,
    description: connection.description,
    migrationPreamble: [],
    query: (sql, ...params) => session.query(sql, ...params),
    transaction: (work) => work(session),
    snapshot: (work) => work(session),
    close: () =>
      Promise.reject(new Error('the connection is closed by whoever opened it, not inside a transaction')),
  };
}
