/**
 * What `tranche watch` records: each time a cell of an environment's targets × checks matrix
 * turns red or green, with the check's reason, so a page can show the matrix and replay it.
 */
import type { CheckStatus } from '../engine/vocabulary.ts';

/** Green: the check passed; red: anything else (fail, error, no data, inconclusive). */
export const WATCH_STATES = ['red', 'green'] as const;
export type WatchState = (typeof WATCH_STATES)[number];

/** One cell's change of state (its first observation included). */
export interface WatchTransition {
  service: string;
  environment: string;
  component: string;
  target: string;
  check: string;
  /** Epoch ms the cell took this state. */
  at: number;
  state: WatchState;
  /** The check's own status; `state` is green only for `pass`. */
  status: CheckStatus;
  /** The check's one-line reason. */
  reason: string;
  value: number | null;
}

export interface WatchTransitionRecord extends WatchTransition {
  /** Order of recording, ascending: a cursor for replaying. */
  id: number;
}

export interface WatchTransitionFilter {
  service: string;
  environment: string;
  /** Only transitions recorded after this id. */
  afterId?: number | undefined;
  limit?: number | undefined;
}

/** Storage of watch transitions. */
export interface WatchLedger {
  /**
   * Records transitions, all or none; a cell's change at a moment the ledger has (another watch
   * saw it, or a bundle brought it) is kept once, as first recorded.
   */
  recordWatchTransitions(transitions: readonly WatchTransition[]): Promise<void>;
  /** An environment's transitions in the order they were recorded. */
  watchTransitions(filter: WatchTransitionFilter): Promise<WatchTransitionRecord[]>;
  /** Each cell's newest transition: the matrix as the last watch left it. */
  watchCells(service: string, environment: string): Promise<WatchTransitionRecord[]>;
  /** The newest transition's id, of any environment (0 when none): it grows whenever a cell changes. */
  watchCursor(): Promise<number>;
}
