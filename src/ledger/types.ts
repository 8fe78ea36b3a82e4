/**
 * The build data repository: versions, events and target states. The embedded backend is
 * SQLite (node:sqlite); the PostgreSQL backend implements the same interface.
 */
import type { DeployEvent, EngineLedger } from '../engine/ports.ts';
import type { ReasonCode, RunDecision } from '../engine/vocabulary.ts';

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
  service?: string | undefined;
  environment?: string | undefined;
  version?: string | undefined;
  /** Epoch ms: only runs started at or after. */
  since?: number | undefined;
  limit?: number | undefined;
}

export interface EventFilter {
  runId?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
  /** Only events with a duration (closing events), for stage timing. */
  withDuration?: boolean | undefined;
}

export interface Ledger extends EngineLedger {
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
