/**
 * The build data repository: versions, events, target states and locks. The embedded backend is
 * SQLite (node:sqlite); the shared one is PostgreSQL. Both are one implementation, sql-ledger.ts.
 */
import type { DeployEvent, EngineLedger, TargetState } from '../engine/ports.ts';
import type { ReasonCode, RunDecision } from '../engine/vocabulary.ts';
import type { FleetLedger } from './fleet-types.ts';

export interface VersionRecord {
  service: string;
  /** The atomic per-service counter. */
  n: number;
  /** The counter rendered through the version template, e.g. "2.14.7". */
  version: string;
  commit: string | null;
  createdAt: number;
}

export interface RunRecord {
  runId: string;
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  startedAt: number;
  /** Null while the run is still going (or if its process died without a terminal record). */
  finishedAt: number | null;
  decision: RunDecision | null;
  reasonCode: ReasonCode | null;
  durationMs: number | null;
}

export interface HistoryFilter {
  runId?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
  version?: string | undefined;
  /** Epoch ms: only runs started at or after. */
  since?: number | undefined;
  /** true: only finished runs; false: only runs without a terminal record yet. */
  finished?: boolean | undefined;
  limit?: number | undefined;
}

export interface EventFilter {
  runId?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
  /** Only events with a duration (closing events), for stage timing. */
  withDuration?: boolean | undefined;
  /** Only events with a greater seq (meaningful with runId: a cursor for following a run). */
  afterSeq?: number | undefined;
  limit?: number | undefined;
}

/** What the ledger knows of one target, with where it stands. */
export interface TargetRecord extends TargetState {
  service: string;
  environment: string;
  runId: string | null;
  updatedAt: number;
}

/** A lock by name, such as `env:production` or `global`: held by one holder at a time. */
export interface LockRecord {
  name: string;
  /** Who holds it: a person, a bot replica's deploy, a CLI run. Only the holder renews or releases. */
  holder: string;
  acquiredAt: number;
  renewedAt: number;
  /** When the lease runs out unless renewed; null for a lock held until released. */
  expiresAt: number | null;
  reason: string | null;
  /** Free-form details for whoever reads the lock: the owner, a pull request, a run id. */
  data: Record<string, unknown> | null;
}

export interface LockRequest {
  /** A lease of this length, renewed with renewLock; undefined for a lock held until released. */
  ttlMs?: number | undefined;
  reason?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

export type LockOutcome = { acquired: true; lock: LockRecord } | { acquired: false; heldBy: LockRecord };

/** One record of a ledger bundle (export/import between ledgers). */
export type LedgerRecord =
  | { type: 'version'; version: VersionRecord }
  | { type: 'run'; run: RunRecord }
  | { type: 'event'; event: DeployEvent }
  | { type: 'target'; target: TargetRecord };

export type LedgerRecordType = LedgerRecord['type'];

/** Per record type: how many an import wrote (new, or newer than the local copy) and how many it found already there. */
export type ImportCounts = Record<LedgerRecordType, { written: number; present: number }>;

export interface PruneResult {
  /** Events older than this (epoch ms) were removed. */
  before: number;
  /** Removed events per kind; run_started and run_finished are never removed. */
  removed: Record<string, number>;
  /** The total of `removed`. */
  events: number;
}

/** An imported version whose service and counter the local ledger already gave to another version. */
export class VersionClashError extends Error {
  override name = 'VersionClashError';
}

/**
 * What a deploy needs of a ledger: versions, history and target states. The GitHub ledger of a
 * bare Action (tags and deployments, no database) is one of these and nothing more.
 */
export interface DeployLedger extends EngineLedger {
  /**
   * Allocate the service's next version atomically: concurrent callers, in one process or many,
   * get distinct, consecutive counters. `template` holds `{n}`.
   */
  nextVersion(service: string, commit: string | null, template: string, now: number): Promise<VersionRecord>;
  versions(service: string): Promise<VersionRecord[]>;
  runs(filter: HistoryFilter): Promise<RunRecord[]>;
  events(filter: EventFilter): Promise<DeployEvent[]>;
  close(): Promise<void>;
}

/**
 * The build data repository in full (SQLite, PostgreSQL): a deploy's needs, locks, bundles and
 * retention, and the fleet's outcomes, verdicts and promotions (fleet-types.ts).
 */
export interface Ledger extends DeployLedger, FleetLedger {
  /**
   * Takes the lock `name` for `holder` at `now`: free, an expired lease, or already this holder's
   * (which refreshes it). Otherwise reports who holds it. Two contenders never both hold it.
   */
  acquireLock(name: string, holder: string, request: LockRequest, now: number): Promise<LockOutcome>;
  /** Extends the holder's lease to `now + ttlMs`; null when the lease has run out or is not this holder's. */
  renewLock(name: string, holder: string, ttlMs: number, now: number): Promise<LockRecord | null>;
  /** Releases the lock if `holder` holds it; returns what was released, or null. */
  releaseLock(name: string, holder: string): Promise<LockRecord | null>;
  /** Releases the lock whoever holds it (an operator's unlock); returns what was released, or null. */
  forceReleaseLock(name: string): Promise<LockRecord | null>;
  /** The locks held at `now`, by name. */
  locks(now: number): Promise<LockRecord[]>;

  /** Everything recorded at or after `since`: versions, runs started or finished, events, target states. */
  exportRecords(since: number): AsyncIterable<LedgerRecord>;
  /**
   * Merges the records `read` yields into this ledger in one transaction: what is already there
   * is kept (importing twice changes nothing), a run gains its finish, a target state is replaced
   * by a newer one. Throws VersionClashError, writing nothing, when an imported version's service
   * and counter belong to a different version here. `read` is called again if the transaction
   * has to be retried.
   */
  importRecords(read: () => AsyncIterable<LedgerRecord>): Promise<ImportCounts>;
  /**
   * Removes events older than `before`, except each run's run_started and run_finished; versions,
   * runs and target states stay. With `dryRun`, only counts.
   */
  prune(before: number, options?: { dryRun?: boolean }): Promise<PruneResult>;
}
