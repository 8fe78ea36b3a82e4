/**
 * The bot's queue admission, a release rule: may a release start now, or what makes it wait, as a
 * pure decision over what the ledger holds at one moment. The SQL ledger gathers the snapshot and
 * applies the decision inside one transaction (ledger/release-queue.ts), so processes sharing a
 * ledger agree.
 */
import type { AdmissionBlocker, LockRecord, ReleaseRecord } from '../ledger/types.ts';

export interface AdmissionSnapshot {
  /** People's locks on the environment and on the repository, held at the moment. */
  locks: readonly LockRecord[];
  /**
   * The lease of a CLI or Action run deploying the release's service to its environment, held at
   * the moment, unless the run carries out one of the bot's releases there (that release is
   * among `running`, or has just finished and its run is letting go); null when there is none.
   */
  run: LockRecord | null;
  /** The repository's started, unfinished releases. */
  running: readonly ReleaseRecord[];
  /** Queued releases for the same environment that were asked for earlier and still wait. */
  queuedAhead: number;
  /** Releases allowed to run at once across the repository. */
  concurrentReleases: number;
}

/**
 * What keeps the release from starting, or null when it may start. The order matters only for
 * the reason given: a lock says who to ask, a busy environment which release to wait for, a run
 * outside the bot which run (it binds a lock's holder too: it is deploying right now), then
 * the queue's fairness (first asked, first started; a lock's holder goes ahead of those waiting
 * for their lock), and last the repository-wide limit.
 */
export function admissionBlocker(
  candidate: Pick<ReleaseRecord, 'environment' | 'requestedBy'>,
  snapshot: AdmissionSnapshot,
): AdmissionBlocker | null {
  // A lock binds everyone but its holder: the holder's own deploys go ahead.
  const lock = snapshot.locks.find((l) => l.holder !== candidate.requestedBy);
  if (lock) return { reason: 'locked', lock };
  const busy = snapshot.running.find((r) => r.environment === candidate.environment);
  if (busy) return { reason: 'busy', release: busy };
  if (snapshot.run) return { reason: 'deploying', lock: snapshot.run };
  // Whoever waits for the environment waits for the holder's lock: the holder goes first.
  const holdsLock = snapshot.locks.some((l) => l.holder === candidate.requestedBy);
  if (snapshot.queuedAhead > 0 && !holdsLock) return { reason: 'queue', ahead: snapshot.queuedAhead };
  if (snapshot.running.length >= snapshot.concurrentReleases) {
    return { reason: 'limit', running: [...snapshot.running] };
  }
  return null;
}
