/**
 * The build data repository: versions, events, target states and locks. The embedded backend is
 * SQLite (node:sqlite); the shared one is PostgreSQL. Both are one implementation, sql-ledger.ts.
 */
import type { DeployEvent, EngineLedger, TargetState } from '../engine/ports.ts';
import type { ReasonCode, RunDecision } from '../engine/vocabulary.ts';
import type { DashboardActionLedger } from './dashboard-action-types.ts';
import type { FleetLedger, OutcomeInput, VerdictInput } from './fleet-types.ts';
import type { RedeliveryLedger } from './redelivery-types.ts';
import type { WatchLedger, WatchTransition } from './watch-types.ts';

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
  /** Who started it (actor.ts); null when nobody was named, as for runs recorded before Tranche kept it. */
  actor: string | null;
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

/** A target's state as the ledger keeps it: with the run that last changed it. */
export interface RecordedTargetState extends TargetState {
  runId: string | null;
}

/** What the ledger knows of one target, with where it stands. */
export interface TargetRecord extends RecordedTargetState {
  service: string;
  environment: string;
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

/** The repositories a service is bound to (release/service-owner.ts decides who may bind it). */
export interface ServiceOwnerRecord {
  service: string;
  /** `owner/repo`: the repositories whose records, locks and leases for the service are accepted. */
  repos: string[];
  boundAt: number;
  updatedAt: number;
}

/** Storage of service bindings. */
export interface ServiceOwnerLedger {
  /** The service's binding; null when no repository has claimed it yet. */
  serviceOwner(service: string): Promise<ServiceOwnerRecord | null>;
  /**
   * Binds the service to `repos` unless it is bound already; returns the binding in force
   * afterwards. Of two first bindings at once, in one process or many, one wins.
   */
  bindService(service: string, repos: readonly string[], now: number): Promise<ServiceOwnerRecord>;
  /** Replaces a binding's repositories; null when the service is not bound. */
  setServiceRepositories(
    service: string,
    repos: readonly string[],
    now: number,
  ): Promise<ServiceOwnerRecord | null>;
}

/** A claim of a release's report to GitHub (ReleaseLedger.claimReleaseReport). */
export interface ReportClaim {
  /** Only the claim's holder moves the report on. */
  token: number;
  /** The tries the report has had, this one included. */
  tries: number;
}

/** One record of a ledger bundle (export/import between ledgers). */
export type LedgerRecord =
  | { type: 'version'; version: VersionRecord }
  | { type: 'run'; run: RunRecord }
  | { type: 'event'; event: DeployEvent }
  | { type: 'target'; target: TargetRecord }
  /** A job's or a deploy's outcome (fleet-types.ts): what the receiving ledger computes verdicts from. */
  | { type: 'outcome'; outcome: OutcomeInput }
  /**
   * An override (mark-bad, mark-good) with its audit. Computed verdicts do not travel: the
   * receiving ledger computes its own from every outcome it holds.
   */
  | { type: 'verdict'; verdict: VerdictInput }
  /** A change of a cell of `tranche watch`'s matrix (watch-types.ts), without the exporting ledger's id. */
  | { type: 'watch'; watch: WatchTransition };

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
  /**
   * The bot's claims of webhook deliveries received before `before`: a delivery redelivered after
   * that would act again (GitHub redelivers only the last 3 days' deliveries, GHES the last 7 days'). Claims of the bot's own one-time
   * acts (a verdict's reaction, a promotion) are kept.
   */
  deliveries: number;
  /** `tranche watch`'s transitions before `before`; each cell's newest stays, the matrix as the last watch left it. */
  watchTransitions: number;
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
  targetStates(service: string, environment: string): Promise<RecordedTargetState[]>;
  runs(filter: HistoryFilter): Promise<RunRecord[]>;
  events(filter: EventFilter): Promise<DeployEvent[]>;
  close(): Promise<void>;
}

/** What a read snapshot (Ledger.read) can ask the ledger. */
export type LedgerReads = Pick<
  Ledger,
  'releases' | 'runs' | 'locks' | 'versions' | 'verdicts' | 'promotions'
>;

/**
 * The build data repository in full (SQLite, PostgreSQL): a deploy's needs, locks, bundles and
 * retention, the fleet's outcomes, verdicts and promotions (fleet-types.ts), the bot's releases and
 * the webhooks it will receive again (redelivery-types.ts), `tranche watch`'s transitions
 * (watch-types.ts).
 */
export interface Ledger
  extends DeployLedger,
    FleetLedger,
    ReleaseLedger,
    ServiceOwnerLedger,
    DashboardActionLedger,
    RedeliveryLedger,
    WatchLedger {
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
  /**
   * Runs `work`'s reads in one read snapshot (one read transaction): every read sees the same
   * committed ledger, and a status or plan assembled from several reads is consistent.
   */
  read<T>(work: (reads: LedgerReads) => Promise<T>): Promise<T>;

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
   * Removes events older than `before`, except each run's run_started and run_finished, and watch
   * transitions older than `before`, except each cell's newest; versions, runs and target states
   * stay. With `dryRun`, only counts.
   */
  prune(before: number, options?: { dryRun?: boolean }): Promise<PruneResult>;
}

// ---------------------------------------------------------------------------------------------
// The bot's releases: webhook deliveries, the release queue and the record of each deployment.
// Every record and lock name carries the repository (`owner/repo`): one bot serves many.

/** Where a release stands; the last five are terminal. */
export const RELEASE_STATES = [
  'queued',
  'starting',
  'pending',
  'in_progress',
  'success',
  'failure',
  'error',
  'expired',
  'inactive',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** A started release that has not finished: it holds its environment's lease and a slot. */
export const ACTIVE_RELEASE_STATES = ['starting', 'pending', 'in_progress'] as const satisfies ReleaseState[];

/**
 * `bot`: admitted by the bot (queued, then started with a lease and a slot); `seen`: a deployment
 * someone else made (the Action on push, a person), recorded from its statuses only.
 */
export const RELEASE_ORIGINS = ['bot', 'seen'] as const;
export type ReleaseOrigin = (typeof RELEASE_ORIGINS)[number];

export const RELEASE_KINDS = ['deploy', 'rollback'] as const;
export type ReleaseKind = (typeof RELEASE_KINDS)[number];

/** One release the bot was asked for (or saw on GitHub), from the request to its last status. */
export interface ReleaseRecord {
  id: number;
  /** `owner/repo`. */
  repo: string;
  /** The GitHub App installation that can act on the repository; null when unknown. */
  installationId: number | null;
  environment: string;
  service: string | null;
  origin: ReleaseOrigin;
  kind: ReleaseKind;
  state: ReleaseState;
  /** Null until allocated (a deploy of the next version allocates when it starts). */
  version: string | null;
  /** The commit deployed: the pull request's head, or the version's commit. */
  commit: string | null;
  requestedBy: string | null;
  pullRequest: number | null;
  /** The bot's reply on the pull request, edited as the release goes on. */
  commentId: number | null;
  deploymentId: number | null;
  logUrl: string | null;
  checkRunUrl: string | null;
  /** The last status's description, or why it stopped. */
  description: string | null;
  /** What the release rolls out, one line per component, for the reply. */
  plan: string | null;
  /** Once finished: the version live in the environment afterwards. */
  liveVersion: string | null;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** When it reported success (it stays a good version after it becomes inactive). */
  succeededAt: number | null;
  updatedAt: number;
  /** Only these targets of the environment (a release track's ring); null: every target. */
  targets: string[] | null;
  /** The release track it promotes the version to; null when it is no promotion. */
  track: string | null;
}

/** A webhook delivery, claimed once: a redelivery (same id) finds it taken. */
export interface DeliveryClaim {
  /** GitHub's `X-GitHub-Delivery`. */
  id: string;
  repo: string;
  event: string;
  at: number;
}

export type Duplicate = { outcome: 'duplicate' };

export interface ReleaseRequest {
  delivery: DeliveryClaim;
  repo: string;
  installationId: number | null;
  environment: string;
  service: string;
  kind: ReleaseKind;
  /** A known version to deploy or return to; null: allocate the next one when it starts. */
  version: string | null;
  commit: string;
  requestedBy: string;
  pullRequest: number | null;
  /** Only these targets of the environment (a release track's ring); absent or null: every target. */
  targets?: string[] | null | undefined;
  /** The release track the version is promoted to, when the release is a promotion. */
  track?: string | null | undefined;
}

export interface ReleaseLimits {
  /** Releases running at once across the repository. */
  concurrentReleases: number;
  /** How long a started release holds its environment without a deployment status. */
  leaseMs: number;
}

/** Why a release waits in the queue instead of starting, the most specific reason first. */
export type AdmissionBlocker =
  | { reason: 'locked'; lock: LockRecord }
  | { reason: 'busy'; release: ReleaseRecord }
  /** A CLI or Action run holds the environment's lease (release/deploy-lock.ts) for the service. */
  | { reason: 'deploying'; lock: LockRecord }
  | { reason: 'queue'; ahead: number }
  | { reason: 'limit'; running: ReleaseRecord[] };

/** What one step of the queue did: leases that ran out, and queued releases it started. */
export interface QueueAdvance {
  expired: ReleaseRecord[];
  started: ReleaseRecord[];
}

export type Admission =
  | Duplicate
  | {
      outcome: 'started' | 'queued';
      release: ReleaseRecord;
      /** Null when it started. */
      blockedBy: AdmissionBlocker | null;
      /** 1-based place in the repository's queue; 0 when it started. */
      position: number;
      /** Queued releases admitted ahead of this one in the same transaction (FIFO), and expiries. */
      advance: QueueAdvance;
    };

export const GITHUB_DEPLOYMENT_STATES = [
  'queued',
  'pending',
  'in_progress',
  'success',
  'failure',
  'error',
  'inactive',
] as const;
export type GitHubDeploymentState = (typeof GITHUB_DEPLOYMENT_STATES)[number];

/** A `deployment_status` event, as the ledger records it. */
export interface DeploymentStatusReport {
  delivery: DeliveryClaim;
  repo: string;
  installationId: number | null;
  environment: string;
  deploymentId: number;
  state: GitHubDeploymentState;
  /** The service the repository's tranche.yml names, kept on a deployment the bot did not create; null when unknown. */
  service?: string | null | undefined;
  /** From the deployment's payload.tranche; null for a deployment that names none. */
  version: string | null;
  commit: string;
  kind: ReleaseKind;
  /** payload.tranche.requestedBy, else the deployment's creator. */
  requestedBy: string | null;
  /** payload.tranche.targets: only these targets were deployed; absent or null: every target. */
  targets?: string[] | null | undefined;
  /** payload.tranche.track. */
  track?: string | null | undefined;
  description: string | null;
  logUrl: string | null;
  checkRunUrl: string | null;
}

/** What finishing a release changed. */
export interface FinishedRelease {
  release: ReleaseRecord;
  /** Earlier successful deployments of the environment, now inactive (post their GitHub status). */
  superseded: ReleaseRecord[];
  /** One-deploy locks the release used up. */
  freedLocks: LockRecord[];
}

export type StatusRecording =
  | Duplicate
  /** `owns` said the repository may not speak for the service. */
  | { outcome: 'refused' }
  /**
   * The delivery was recorded before (GitHub delivers again what the bot did not answer with 2xx):
   * nothing is recorded again; the release as it is now, and for a `success` the releases its
   * finishing made inactive that nothing has changed since, for the follow-ups to be done again.
   */
  | { outcome: 'redelivered'; release: ReleaseRecord; superseded: ReleaseRecord[] }
  | {
      outcome: 'recorded';
      release: ReleaseRecord;
      /** The state before this status; null for a deployment the ledger had not seen. */
      previous: ReleaseState | null;
      /** Set when the status was terminal. */
      finished: FinishedRelease | null;
      /** Whether this status ended the release: it was open (or unseen) and is finished now (inactive included). */
      ended: boolean;
      advance: QueueAdvance;
    };

export interface ReleasePatch {
  version?: string | undefined;
  commit?: string | undefined;
  commentId?: number | undefined;
  deploymentId?: number | undefined;
  plan?: string | undefined;
  checkRunUrl?: string | undefined;
}

export interface ReleaseFilter {
  repo: string;
  environment?: string | undefined;
  states?: readonly ReleaseState[] | undefined;
  /** Only releases that once succeeded, newest deployment first. */
  succeeded?: boolean | undefined;
  limit?: number | undefined;
}

/** The ledger side of the bot: every effect of one delivery is one transaction that claims it. */
export interface ReleaseLedger {
  /** Claims a delivery with no other record (a reply); false when it was claimed before. */
  claimDelivery(claim: DeliveryClaim): Promise<boolean>;
  /** Gives up a claim whose work failed, so that GitHub's redelivery is handled. */
  forgetDelivery(id: string): Promise<void>;
  /**
   * Atomically, across processes: claims the delivery, expires leases that ran out, starts what
   * the queue can start (FIFO), then starts the request or queues it behind what blocks it.
   */
  admitRelease(request: ReleaseRequest, limits: ReleaseLimits, now: number): Promise<Admission>;
  /** Expires leases that ran out and starts what the queue can start. */
  advanceQueue(repo: string, limits: ReleaseLimits, now: number): Promise<QueueAdvance>;
  /**
   * Expires every repository's leases that ran out (the bot's timer); then advance each. An
   * expired release owes GitHub its report (an error status, its reply) until
   * `releaseReported`: whoever reports it claims it first (`claimReleaseReport`).
   */
  expireReleases(now: number): Promise<ReleaseRecord[]>;
  /** Releases owing GitHub their report by `now`, unclaimed or claimed by a lease that ran out. */
  releaseReportsDue(now: number): Promise<ReleaseRecord[]>;
  /**
   * Takes the release's due report until `now + leaseMs`, counting a try; null when another took
   * it first. The claim moves the report on: `releaseReported`, or `releaseReportFailed`.
   */
  claimReleaseReport(id: number, leaseMs: number, now: number): Promise<ReportClaim | null>;
  /** The report was made: nothing more is owed (a claim another holder has since taken changes nothing). */
  releaseReported(id: number, claim: ReportClaim): Promise<void>;
  /** The report failed: due again at `dueAt`, or given up (null). */
  releaseReportFailed(id: number, claim: ReportClaim, dueAt: number | null): Promise<void>;
  /**
   * Queued releases whose environment nothing holds at `now` (no person's lock, started release
   * or run's lease): the bot's timer advances their repositories, so a release that waited for a
   * CLI or Action run starts when its lease is released or runs out, with no webhook to say so.
   */
  releasesFreeToStart(now: number): Promise<ReleaseRecord[]>;
  /**
   * Records a deployment status; a terminal one finishes the release and advances the queue.
   * `owns`, first in the same transaction, decides whether the repository may speak for the
   * service over the bindings as the transaction sees them (the rule: release/service-owner.ts);
   * when it says no, nothing is recorded and the delivery stays unclaimed.
   */
  recordDeploymentStatus(
    report: DeploymentStatusReport,
    limits: ReleaseLimits,
    now: number,
    owns?: ((owners: ServiceOwnerLedger) => Promise<boolean>) | undefined,
  ): Promise<StatusRecording>;
  /** Finishes a release that could not start (its deployment was refused): frees its lease. */
  abortRelease(id: number, description: string, now: number): Promise<FinishedRelease>;
  updateRelease(id: number, patch: ReleasePatch, now: number): Promise<ReleaseRecord>;
  /** Writes down the version live in a finished release's environment (release/live-version.ts decides it). */
  setLiveVersion(id: number, version: string | null): Promise<ReleaseRecord>;
  releases(filter: ReleaseFilter): Promise<ReleaseRecord[]>;
  /** Claims the delivery and takes the lock (see acquireLock). */
  lockEnvironment(
    claim: DeliveryClaim,
    name: string,
    holder: string,
    request: LockRequest,
    now: number,
  ): Promise<Duplicate | LockOutcome>;
  /** Claims the delivery, releases the lock whoever holds it, and advances the queue. */
  unlockEnvironment(
    claim: DeliveryClaim,
    repo: string,
    name: string,
    limits: ReleaseLimits,
    now: number,
  ): Promise<Duplicate | { outcome: 'unlocked'; released: LockRecord | null; advance: QueueAdvance }>;
}
