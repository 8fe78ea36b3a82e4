/**
 * The embedded ledger: one SQLite file (node:sqlite) in WAL mode, shared safely by any number of
 * processes. Writes that must be atomic run in `BEGIN IMMEDIATE` transactions, which take the
 * file's write lock up front; a process that finds it taken waits (busy_timeout) and, should
 * SQLITE_BUSY still surface, retries with backoff.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployEvent, TargetState, TargetUpdate } from '../engine/ports.ts';
import {
  type EventKind,
  type EventStatus,
  type ReasonCode,
  RUN_DECISIONS,
  type RunDecision,
} from '../engine/vocabulary.ts';
import {
  BUMP_VERSION_COUNTER,
  COMMIT,
  CREATE_SCHEMA_MIGRATIONS,
  FINISH_RUN,
  INSERT_EVENT,
  INSERT_RUN,
  INSERT_SCHEMA_MIGRATION,
  INSERT_VERSION,
  migrations,
  ROLLBACK,
  SELECT_SCHEMA_MIGRATIONS,
  SELECT_TARGET_STATES,
  SELECT_VERSIONS,
  SQLITE_DIALECT,
  type SqlQuery,
  selectEvents,
  selectRuns,
  UPSERT_TARGET_STATE,
} from './sql.ts';
import type { EventFilter, HistoryFilter, Ledger, RunRecord, VersionRecord } from './types.ts';

/** How long one statement waits for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;
/** How long an operation keeps retrying after SQLITE_BUSY surfaces anyway. */
const BUSY_RETRY_MS = 30_000;

const MIGRATIONS = migrations(SQLITE_DIALECT);
/** The schema version this code writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

type Row = Record<string, SQLOutputValue>;

export class SqliteLedger implements Ledger {
  private readonly db: DatabaseSync;
  private readonly statements: {
    bumpCounter: StatementSync;
    insertVersion: StatementSync;
    selectVersions: StatementSync;
    insertEvent: StatementSync;
    insertRun: StatementSync;
    finishRun: StatementSync;
    upsertTarget: StatementSync;
    selectTargets: StatementSync;
  };
  /** Filter queries, prepared on first use; there are only a few dozen shapes. */
  private readonly queries = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync) {
    this.db = db;
    this.statements = {
      bumpCounter: db.prepare(BUMP_VERSION_COUNTER),
      insertVersion: db.prepare(INSERT_VERSION),
      selectVersions: db.prepare(SELECT_VERSIONS),
      insertEvent: db.prepare(INSERT_EVENT),
      insertRun: db.prepare(INSERT_RUN),
      finishRun: db.prepare(FINISH_RUN),
      upsertTarget: db.prepare(UPSERT_TARGET_STATE),
      selectTargets: db.prepare(SELECT_TARGET_STATES),
    };
  }

  /**
   * Opens (creating if need be, parent directories included) the ledger at `path`, or a private
   * in-memory one for `':memory:'`, and brings its schema up to date.
   */
  static open(path: string): SqliteLedger {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    try {
      retryBusySync(() => {
        // Changing the journal mode needs a moment alone with the file; it is a no-op once set.
        const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
        if (path !== ':memory:' && mode !== 'wal') {
          throw new Error(`could not put the ledger ${path} in WAL mode (journal_mode is ${String(mode)})`);
        }
      });
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec('PRAGMA foreign_keys = ON');
      // WAL's usual NORMAL for events (an application crash loses nothing; a power cut may lose the
      // last few); nextVersion switches to FULL for its own commit, see there.
      db.exec('PRAGMA synchronous = NORMAL');
      retryBusySync(() => migrate(db, path));
      return new SqliteLedger(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async nextVersion(
    service: string,
    commit: string | null,
    template: string,
    now: number,
  ): Promise<VersionRecord> {
    if (!template.includes('{n}')) {
      throw new Error(`version template "${template}" has no {n} placeholder for the counter`);
    }
    // FULL for this commit: a version handed out must survive a power cut, or it could be handed
    // out twice. It costs one WAL fsync per allocation, not per event.
    this.db.exec('PRAGMA synchronous = FULL');
    try {
      return await this.allocate(service, commit, template, now);
    } finally {
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  private allocate(
    service: string,
    commit: string | null,
    template: string,
    now: number,
  ): Promise<VersionRecord> {
    return this.write(() => {
      const row = this.statements.bumpCounter.get(service);
      const n = Number(row?.n);
      const version = template.replaceAll('{n}', String(n));
      this.statements.insertVersion.run(service, n, version, commit, now);
      return { service, n, version, commit, createdAt: now };
    });
  }

  async versions(service: string): Promise<VersionRecord[]> {
    return this.statements.selectVersions.all(service).map((row) => ({
      service: String(row.service),
      n: Number(row.n),
      version: String(row.version),
      commit: nullableString(row.commit_sha),
      createdAt: Number(row.created_at),
    }));
  }

  async record(event: DeployEvent): Promise<void> {
    const insert = (): void => {
      this.statements.insertEvent.run(
        event.runId,
        event.seq,
        event.at,
        event.kind,
        event.status,
        event.service,
        event.environment,
        event.version,
        event.component ?? null,
        event.target ?? null,
        event.batch ?? null,
        event.durationMs ?? null,
        event.reasonCode ?? null,
        event.message ?? null,
        event.data === undefined ? null : JSON.stringify(event.data),
      );
    };
    if (event.kind === 'run_started') {
      const commit = event.data?.commit;
      await this.write(() => {
        insert();
        this.statements.insertRun.run(
          event.runId,
          event.service,
          event.environment,
          event.version,
          typeof commit === 'string' ? commit : null,
          event.at,
        );
      });
    } else if (event.kind === 'run_finished') {
      await this.write(() => {
        insert();
        this.statements.finishRun.run(
          event.at,
          event.durationMs ?? null,
          runDecision(event.data?.decision),
          event.reasonCode ?? null,
          event.runId,
        );
      });
    } else {
      // A single statement is its own transaction.
      await this.write(insert, false);
    }
  }

  async updateTargets(
    service: string,
    environment: string,
    runId: string,
    updates: TargetUpdate[],
  ): Promise<void> {
    if (updates.length === 0) return;
    const now = Date.now();
    await this.write(() => {
      for (const update of updates) {
        this.statements.upsertTarget.run(
          service,
          environment,
          update.component,
          update.target,
          update.version,
          update.good ? update.version : null,
          runId,
          now,
        );
      }
    });
  }

  async targetStates(service: string, environment: string): Promise<TargetState[]> {
    return this.statements.selectTargets.all(service, environment).map((row) => ({
      component: String(row.component),
      target: String(row.target),
      version: nullableString(row.version),
      goodVersion: nullableString(row.good_version),
    }));
  }

  /** Decisions and reason codes are read back as stored: history keeps codes a later vocabulary dropped. */
  async runs(filter: HistoryFilter): Promise<RunRecord[]> {
    return this.query(selectRuns(filter)).map((row) => ({
      runId: String(row.run_id),
      service: String(row.service),
      environment: String(row.environment),
      version: String(row.version),
      commit: nullableString(row.commit_sha),
      startedAt: Number(row.started_at),
      finishedAt: nullableNumber(row.finished_at),
      decision: row.decision === null ? null : (String(row.decision) as RunDecision),
      reasonCode: row.reason_code === null ? null : (String(row.reason_code) as ReasonCode),
      durationMs: nullableNumber(row.duration_ms),
    }));
  }

  async events(filter: EventFilter): Promise<DeployEvent[]> {
    return this.query(selectEvents(filter)).map(toEvent);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private query(query: SqlQuery): Row[] {
    let statement = this.queries.get(query.sql);
    if (!statement) {
      statement = this.db.prepare(query.sql);
      this.queries.set(query.sql, statement);
    }
    return statement.all(...query.params);
  }

  /**
   * Runs `work` (synchronous, so nothing else in this process interleaves) in a write
   * transaction, retrying the whole of it while another process keeps the file busy.
   */
  private async write<T>(work: () => T, transaction = true): Promise<T> {
    const deadline = Date.now() + BUSY_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!transaction) return work();
        this.db.exec(SQLITE_DIALECT.beginWrite);
        try {
          const result = work();
          this.db.exec(COMMIT);
          return result;
        } catch (error) {
          if (this.db.isTransaction) this.db.exec(ROLLBACK);
          throw error;
        }
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  }
}

function migrate(db: DatabaseSync, path: string): void {
  db.exec(SQLITE_DIALECT.beginWrite);
  try {
    db.exec(CREATE_SCHEMA_MIGRATIONS);
    const applied = new Set(
      db
        .prepare(SELECT_SCHEMA_MIGRATIONS)
        .all()
        .map((row) => Number(row.version)),
    );
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) {
      throw new Error(
        `the ledger ${path} has schema version ${newest}, newer than this Tranche knows (${SCHEMA_VERSION}); upgrade Tranche`,
      );
    }
    const record = db.prepare(INSERT_SCHEMA_MIGRATION);
    for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) db.exec(statement);
      record.run(migration.version, Date.now());
    }
    db.exec(COMMIT);
  } catch (error) {
    if (db.isTransaction) db.exec(ROLLBACK);
    throw error;
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

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** For the synchronous open: retries on SQLITE_BUSY, blocking the thread between attempts. */
function retryBusySync<T>(work: () => T): T {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(sleeper, 0, 0, backoffMs(attempt));
    }
  }
}

function toEvent(row: Row): DeployEvent {
  const event: DeployEvent = {
    runId: String(row.run_id),
    seq: Number(row.seq),
    at: Number(row.at),
    kind: String(row.kind) as EventKind,
    status: String(row.status) as EventStatus,
    service: String(row.service),
    environment: String(row.environment),
    version: String(row.version),
  };
  if (row.component !== null) event.component = String(row.component);
  if (row.target !== null) event.target = String(row.target);
  if (row.batch !== null) event.batch = Number(row.batch);
  if (row.duration_ms !== null) event.durationMs = Number(row.duration_ms);
  if (row.reason_code !== null) event.reasonCode = String(row.reason_code) as ReasonCode;
  if (row.message !== null) event.message = String(row.message);
  if (row.data !== null) event.data = JSON.parse(String(row.data)) as Record<string, unknown>;
  return event;
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The run's decision from a run_finished event's data; anything outside the vocabulary is dropped. */
function runDecision(value: unknown): RunDecision | null {
  return (RUN_DECISIONS as readonly unknown[]).includes(value) ? (value as RunDecision) : null;
}
