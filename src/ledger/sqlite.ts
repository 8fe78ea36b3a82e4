/**
 * The embedded ledger: one SQLite file (node:sqlite) in WAL mode, shared safely by any number of
 * processes. Writes that must be atomic run in `BEGIN IMMEDIATE` transactions, which take the
 * file's write lock up front; a process that finds it taken waits (busy_timeout) and, should
 * SQLITE_BUSY still surface, retries with backoff.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Row, SqlConnection, SqlSession, TransactionOptions } from './connection.ts';
import { COMMIT, ROLLBACK, SQLITE_DIALECT } from './sql.ts';
import { migrate, SqlLedger } from './sql-ledger.ts';
import { bind, compiler, type ParamArgs, type SqlParam } from './statement.ts';
import { storable } from './storable.ts';
import {
  type BackgroundCheckpoints,
  FALLBACK_CHECKPOINT_PAGES,
  WalCheckpointer,
} from './wal-checkpointer.ts';

/** How long one statement waits for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;
/** How long an operation keeps retrying after SQLITE_BUSY surfaces anyway. */
const BUSY_RETRY_MS = 30_000;

export class SqliteLedger extends SqlLedger {
  /**
   * Opens the ledger at `path`, or a private in-memory one for `':memory:'`, and brings its schema
   * up to date. Only a path where nothing exists is created (parent directories included); an
   * existing file must be a SQLite database: an empty one is refused, not taken for a new ledger.
   */
  static async open(path: string, options: SqliteOptions = {}): Promise<SqliteLedger> {
    if (path !== ':memory:') ensureLedgerFile(path);
    const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    const connection = new SqliteConnection(db, path);
    try {
      // Changing the journal mode needs a moment alone with the file; it is a no-op once set.
      const [row] = await connection.query('PRAGMA journal_mode = WAL');
      if (path !== ':memory:' && row?.journal_mode !== 'wal') {
        throw new Error(
          `could not put the ledger ${path} in WAL mode (journal_mode is ${String(row?.journal_mode)})`,
        );
      }
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec('PRAGMA foreign_keys = ON');
      // WAL's usual NORMAL for events (an application crash loses nothing; a power cut may lose the
      // last few); durable transactions (version allocation) switch to FULL for their own commit.
      db.exec('PRAGMA synchronous = NORMAL');
      await migrate(connection);
      if (options.backgroundCheckpoints && path !== ':memory:') {
        db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
        connection.checkpointer = WalCheckpointer.start(path, options.backgroundCheckpoints);
      }
      return new SqliteLedger(connection);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
}

export interface SqliteOptions {
  /** Checkpoints from a thread of their own (wal-checkpointer.ts), for a long-running process. */
  backgroundCheckpoints?: BackgroundCheckpoints | undefined;
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Checks the SQLite file at `path`, or creates one where nothing exists. */
function ensureLedgerFile(path: string): void {
  try {
    statSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    createLedgerFile(path);
    return;
  }
  refuseNonDatabase(path);
}

/**
 * Throws unless `path` is a readable, non-empty SQLite database. SQLite itself would take an
 * empty file for a new database: a ledger truncated by a full disk or a bad copy would then start
 * over at version 1 and hand out versions already deployed.
 */
function refuseNonDatabase(path: string): void {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  const fd = openSync(path, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw new Error('it is not a file');
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) {
    throw new Error(
      'the file is empty (0 bytes), not a ledger; Tranche creates a ledger only where no file exists',
    );
  }
  if (read < header.length || !header.equals(SQLITE_HEADER)) {
    throw new Error('the file is not a SQLite database, so not a ledger');
  }
}

/**
 * Creates an empty WAL-mode database at `path` whole: made under a name of its own, then linked
 * into place, which fails if the path exists. Another process opening the path never sees a
 * half-made (0-byte) file, and of two processes creating the ledger at once one wins and the
 * other opens the winner's.
 */
function createLedgerFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const draft = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.new`);
  try {
    const db = new DatabaseSync(draft);
    try {
      db.exec('PRAGMA journal_mode = WAL');
    } finally {
      db.close();
    }
    try {
      linkSync(draft, path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(draft, { force: true });
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/**
 * node:sqlite is synchronous and one connection has one transaction at a time, so this adapter
 * runs every statement and transaction of the process one after another: nothing another caller
 * does can land inside a transaction that is awaiting its next statement.
 */
class SqliteConnection implements SqlConnection {
  readonly dialect = SQLITE_DIALECT;
  readonly description: string;
  /** BEGIN IMMEDIATE already excludes every other writer, migrations included. */
  readonly migrationPreamble: string[] = [];
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly compile = compiler(SQLITE_DIALECT.marker);
  private readonly session: SqlSession = { query: async (sql, ...params) => this.run(sql, params[0]) };
  /** The end of the queue of work on this connection. */
  private last: Promise<unknown> = Promise.resolve();
  /** The thread checkpointing the WAL, when the ledger asked for one. */
  checkpointer: WalCheckpointer | undefined;

  constructor(db: DatabaseSync, description: string) {
    this.db = db;
    this.description = description;
  }

  query<S extends string>(sql: S, ...params: ParamArgs<S>): Promise<Row[]> {
    return this.serially(() => retryBusy(async () => this.run(sql, params[0])));
  }

  transaction<T>(work: (session: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.serially(() =>
      retryBusy(async () => {
        // FULL for a durable commit: one WAL fsync for this transaction, not for every event.
        if (options.durable) this.db.exec('PRAGMA synchronous = FULL');
        try {
          return await this.within(SQLITE_DIALECT.beginWrite, work);
        } finally {
          if (options.durable) this.db.exec('PRAGMA synchronous = NORMAL');
        }
      }),
    );
  }

  snapshot<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.serially(() => retryBusy(() => this.within(SQLITE_DIALECT.beginRead, work)));
  }

  close(): Promise<void> {
    return this.serially(async () => {
      await this.checkpointer?.close();
      this.checkpointer = undefined;
      if (this.db.isOpen) this.db.close();
    });
  }

  /** Runs `work` between `begin` and COMMIT, or rolls back what it did if it throws. */
  private async within<T>(begin: string, work: (session: SqlSession) => Promise<T>): Promise<T> {
    // Prepared once and kept, like every statement: parsing BEGIN and COMMIT anew costs more than running them.
    this.run(begin);
    try {
      const result = await work(this.session);
      this.run(COMMIT);
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.run(ROLLBACK);
      throw error;
    }
  }

  private run(sql: string, params: Readonly<Record<string, SqlParam>> = {}): Row[] {
    const compiled = this.compile(sql);
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(compiled.text);
      this.statements.set(sql, statement);
    }
    return statement.all(...bind(compiled, params).map(storable));
  }

  /** Runs `work` once everything queued before it has finished, whether that succeeded or not. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.last.then(work, work);
    this.last = result.catch(() => undefined);
    return result;
  }
}

/** Runs `work`, again and again with backoff while another process keeps the file busy. */
async function retryBusy<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await sleep(backoffMs(attempt));
    }
  }
}

function isBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return false;
  const code = error.errcode;
  // Primary code SQLITE_BUSY (5), including extended codes such as SQLITE_BUSY_RECOVERY.
  return typeof code === 'number' && (code & 0xff) === 5;
}

function backoffMs(attempt: number): number {
  return Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
}
