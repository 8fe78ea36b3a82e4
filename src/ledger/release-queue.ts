/**
 * The bot's side of the ledger: webhook deliveries claimed once, the release queue, and the
 * record of every deployment, over the same SqlConnection as the rest of the ledger.
 *
 * Every effect of one webhook delivery is one transaction that also claims the delivery id, so
 * a redelivery finds it claimed and changes nothing (a redelivered deployment status is answered
 * with its release, for the bot to redo what follows it). The transactions that decide what may start
 * (read what runs, then start one) are serialised per repository (sql.ts, lockRepository), so
 * any number of bot replicas on one ledger agree on the queue and the repository-wide limit.
 */

import { admissionBlocker } from '../release/queue-admission.ts';
import { INSERT_SEEN_RELEASE } from './bot-hot-path-sql.ts';
import { type SqlConnection, type SqlSession, within } from './connection.ts';
import { CLAIM_DELIVERY, FORGET_DELIVERY } from './deliveries-sql.ts';
import { acquireLockIn, leaseMs } from './lock-session.ts';
import { FORCE_RELEASE_LOCK, RELEASE_LOCK, RENEW_LOCK, SELECT_LOCK } from './locks-sql.ts';
import {
  carriedRelease,
  deployLockName,
  environmentLockName,
  globalLockName,
  leaseHolder,
  leaseLockName,
} from './release-locks.ts';
import {
  CLAIM_RELEASE_REPORT,
  EXPIRE_RELEASES,
  FINISH_RELEASE,
  INSERT_RELEASE,
  PATCH_RELEASE,
  RELEASE_REPORTS_DUE,
  SELECT_ACTIVE_RELEASES,
  SELECT_QUEUED_RELEASES,
  SELECT_RELEASE,
  SELECT_REPOS_WITH_ACTIVE_RELEASES,
  SELECT_REPOS_WITH_QUEUED_RELEASES,
  SELECT_STATUS_RELEASE,
  SELECT_SUPERSEDED_RELEASES,
  SELECT_SUPERSEDED_RING_RELEASES,
  SET_RELEASE_LIVE_VERSION,
  SET_RELEASE_REPORT_DUE,
  SET_RELEASE_STATUS,
  START_RELEASE,
  SUPERSEDE_RELEASES,
  SUPERSEDE_RING_RELEASES,
  selectReleases,
} from './releases-sql.ts';
import { toLock, toRelease } from './rows.ts';
import { serviceOwnerStore } from './service-owners.ts';
import type { ParamArgs } from './statement.ts';
import {
  ACTIVE_RELEASE_STATES,
  type Admission,
  type DeliveryClaim,
  type DeploymentStatusReport,
  type Duplicate,
  type FinishedRelease,
  type LockOutcome,
  type LockRecord,
  type LockRequest,
  type QueueAdvance,
  type ReleaseFilter,
  type ReleaseLedger,
  type ReleaseLimits,
  type ReleasePatch,
  type ReleaseRecord,
  type ReleaseRequest,
  type ReleaseState,
  type ReportClaim,
  type ServiceOwnerLedger,
  type StatusRecording,
} from './types.ts';

const DUPLICATE: Duplicate = { outcome: 'duplicate' };
const REFUSED = { outcome: 'refused' } as const;
const TERMINAL_STATES: readonly ReleaseState[] = ['success', 'failure', 'error', 'expired', 'inactive'];

export function isActiveRelease(state: ReleaseState): boolean {
  return (ACTIVE_RELEASE_STATES as readonly ReleaseState[]).includes(state);
}

export function isFinishedRelease(state: ReleaseState): boolean {
  return TERMINAL_STATES.includes(state);
}

export class ReleaseQueue implements ReleaseLedger {
  protected readonly connection: SqlConnection;

  /** `connection` must already be migrated (see sql-ledger.ts, migrate). */
  constructor(connection: SqlConnection) {
    this.connection = connection;
  }

  claimDelivery(claim: DeliveryClaim): Promise<boolean> {
    return this.connection.transaction((session) => claimIn(session, claim));
  }

  async forgetDelivery(id: string): Promise<void> {
    await this.connection.query(FORGET_DELIVERY, { delivery_id: id });
  }

  admitRelease(request: ReleaseRequest, limits: ReleaseLimits, now: number): Promise<Admission> {
    checkLimits(limits);
    return this.inRepository(request.repo, async (session) => {
      if (!(await claimIn(session, request.delivery))) return DUPLICATE;
      // The queue goes first: whoever asked earlier starts earlier.
      const advance = await advanceIn(session, request.repo, limits, now);
      const running = await rows(session, SELECT_ACTIVE_RELEASES, { repo: request.repo });
      const queued = await rows(session, SELECT_QUEUED_RELEASES, { repo: request.repo });
      const blockedBy = admissionBlocker(request, {
        locks: await heldLocks(session, request.repo, request.environment, now),
        run: await heldRun(session, request, now),
        running,
        queuedAhead: queued.filter((r) => r.environment === request.environment).length,
        concurrentReleases: limits.concurrentReleases,
      });
      const state: ReleaseState = blockedBy ? 'queued' : 'starting';
      const [inserted] = await rows(session, INSERT_RELEASE, {
        repo: request.repo,
        installation_id: request.installationId,
        environment: request.environment,
        service: request.service,
        origin: 'bot',
        kind: request.kind,
        state,
        version: request.version,
        commit_sha: request.commit,
        requested_by: request.requestedBy,
        pull_request: request.pullRequest,
        deployment_id: null,
        requested_at: now,
        started_at: blockedBy ? null : now,
        updated_at: now,
        targets: targetsParam(request.targets),
        track: request.track ?? null,
      });
      if (!inserted) throw new Error('the release was not recorded; this is a bug in the ledger');
      if (!blockedBy) await takeLease(session, inserted, limits.leaseMs, now);
      return {
        outcome: blockedBy ? 'queued' : 'started',
        release: inserted,
        blockedBy,
        position: blockedBy ? queued.length + 1 : 0,
        advance,
      };
    });
  }

  advanceQueue(repo: string, limits: ReleaseLimits, now: number): Promise<QueueAdvance> {
    checkLimits(limits);
    return this.inRepository(repo, (session) => advanceIn(session, repo, limits, now));
  }

  async releaseReportsDue(now: number): Promise<ReleaseRecord[]> {
    return (await this.connection.query(RELEASE_REPORTS_DUE, { now })).map(toRelease);
  }

  async claimReleaseReport(id: number, forMs: number, now: number): Promise<ReportClaim | null> {
    const until = now + leaseMs(forMs);
    const [row] = await this.connection.query(CLAIM_RELEASE_REPORT, { id, until, now });
    return row ? { token: until, tries: Number(row.report_tries) } : null;
  }

  async releaseReported(id: number, claim: ReportClaim): Promise<void> {
    await this.connection.query(SET_RELEASE_REPORT_DUE, { id, due: null, token: claim.token });
  }

  async releaseReportFailed(id: number, claim: ReportClaim, dueAt: number | null): Promise<void> {
    await this.connection.query(SET_RELEASE_REPORT_DUE, { id, due: dueAt, token: claim.token });
  }

  async expireReleases(now: number): Promise<ReleaseRecord[]> {
    const repos = await this.connection.query(SELECT_REPOS_WITH_ACTIVE_RELEASES);
    const expired: ReleaseRecord[] = [];
    for (const { repo } of repos) {
      expired.push(...(await this.inRepository(String(repo), (s) => expire(s, String(repo), now))));
    }
    return expired;
  }

  releasesFreeToStart(now: number): Promise<ReleaseRecord[]> {
    return this.connection.transaction(async (session) => {
      const free: ReleaseRecord[] = [];
      for (const row of await session.query(SELECT_REPOS_WITH_QUEUED_RELEASES)) {
        const repo = String(row.repo);
        const active = await rows(session, SELECT_ACTIVE_RELEASES, { repo });
        for (const queued of await rows(session, SELECT_QUEUED_RELEASES, { repo })) {
          // Only what holds the environment: the queue's order and the limit are advanceQueue's to weigh.
          const blocker = admissionBlocker(queued, {
            locks: await heldLocks(session, queued.repo, queued.environment, now),
            run: await heldRun(session, queued, now),
            running: active,
            queuedAhead: 0,
            concurrentReleases: Number.POSITIVE_INFINITY,
          });
          if (!blocker) free.push(queued);
        }
      }
      // First asked first, across repositories.
      return free.sort((a, b) => a.id - b.id);
    });
  }

  recordDeploymentStatus(
    report: DeploymentStatusReport,
    limits: ReleaseLimits,
    now: number,
    owns?: ((owners: ServiceOwnerLedger) => Promise<boolean>) | undefined,
  ): Promise<StatusRecording> {
    checkLimits(limits);
    return this.inRepository(report.repo, async (session) => {
      if (owns && !(await owns(serviceOwnerStore(within(this.connection, session))))) return REFUSED;
      if (!(await claimIn(session, report.delivery))) return redelivered(session, report);
      const known = await findRelease(session, report);
      const previous = known?.state ?? null;
      const open: ReleaseState = report.state === 'in_progress' ? 'in_progress' : 'pending';
      // A deployment seen for the first time is recorded at once at a status that leaves it open.
      let release = known ?? (await insertSeen(session, report, open, now));
      let finished: FinishedRelease | null = null;
      if (report.state === 'success' || report.state === 'failure' || report.state === 'error') {
        finished = await finish(session, release, { ...report, state: report.state }, now, true);
        release = finished.release;
      } else if (report.state === 'inactive') {
        release = await setStatus(session, release, report, 'inactive', now);
      } else if (known && !isFinishedRelease(known.state)) {
        // GitHub does not promise order: a late in_progress never reopens a finished release.
        release = await setStatus(session, known, report, open, now);
        if (release.origin === 'bot') await renewLease(session, release, limits.leaseMs, now);
      }
      // A status that leaves its release open frees nothing: the queue is weighed when one ends.
      // Leases that lapse meanwhile are the sweep's to expire.
      const ends = finished !== null || report.state === 'inactive';
      const advance = ends
        ? await advanceIn(session, report.repo, limits, now)
        : { expired: [], started: [] };
      const ended = isFinishedRelease(release.state) && (previous === null || !isFinishedRelease(previous));
      return { outcome: 'recorded', release, previous, finished, ended, advance };
    });
  }

  async abortRelease(id: number, description: string, now: number): Promise<FinishedRelease> {
    const release = await this.release(id);
    return this.inRepository(release.repo, (session) =>
      finish(
        session,
        release,
        { state: 'error', description, deploymentId: null, logUrl: null, checkRunUrl: null },
        now,
        false,
      ),
    );
  }

  async updateRelease(id: number, patch: ReleasePatch, now: number): Promise<ReleaseRecord> {
    const [row] = await this.connection.query(PATCH_RELEASE, {
      version: patch.version ?? null,
      commit_sha: patch.commit ?? null,
      comment_id: patch.commentId ?? null,
      deployment_id: patch.deploymentId ?? null,
      plan: patch.plan ?? null,
      check_run_url: patch.checkRunUrl ?? null,
      updated_at: now,
      id,
    });
    if (!row) throw new Error(`release ${id} is not in the ledger`);
    return toRelease(row);
  }

  async setLiveVersion(id: number, version: string | null): Promise<ReleaseRecord> {
    const [row] = await this.connection.query(SET_RELEASE_LIVE_VERSION, { live_version: version, id });
    if (!row) throw new Error(`release ${id} is not in the ledger`);
    return toRelease(row);
  }

  async releases(filter: ReleaseFilter): Promise<ReleaseRecord[]> {
    const { sql, params } = selectReleases(filter);
    return (await this.connection.query(sql, params)).map(toRelease);
  }

  lockEnvironment(
    claim: DeliveryClaim,
    name: string,
    holder: string,
    request: LockRequest,
    now: number,
  ): Promise<Duplicate | LockOutcome> {
    return this.inRepository(claim.repo, async (session) => {
      if (!(await claimIn(session, claim))) return DUPLICATE;
      return acquireLockIn(session, name, holder, request, now);
    });
  }

  unlockEnvironment(
    claim: DeliveryClaim,
    repo: string,
    name: string,
    limits: ReleaseLimits,
    now: number,
  ): Promise<Duplicate | { outcome: 'unlocked'; released: LockRecord | null; advance: QueueAdvance }> {
    checkLimits(limits);
    return this.inRepository(repo, async (session) => {
      if (!(await claimIn(session, claim))) return DUPLICATE;
      const [row] = await session.query(FORCE_RELEASE_LOCK, { name });
      const released = row ? toLock(row) : null;
      return { outcome: 'unlocked', released, advance: await advanceIn(session, repo, limits, now) };
    });
  }

  private async release(id: number): Promise<ReleaseRecord> {
    const [row] = await this.connection.query(SELECT_RELEASE, { id });
    if (!row) throw new Error(`release ${id} is not in the ledger`);
    return toRelease(row);
  }

  /** A write transaction that no other release transaction on the repository runs beside. */
  private inRepository<T>(repo: string, work: (session: SqlSession) => Promise<T>): Promise<T> {
    const lock = this.connection.dialect.lockRepository;
    return this.connection.transaction(async (session) => {
      if (lock !== null) await session.query(lock, { repo });
      return work(session);
    });
  }
}

async function claimIn(session: SqlSession, claim: DeliveryClaim): Promise<boolean> {
  const rows = await session.query(CLAIM_DELIVERY, {
    delivery_id: claim.id,
    repo: claim.repo,
    event: claim.event,
    received_at: claim.at,
  });
  return rows.length > 0;
}

async function rows<S extends string>(session: SqlSession, sql: S, ...params: ParamArgs<S>) {
  return (await session.query(sql, ...params)).map(toRelease);
}

/** Expires what ran out, then starts queued releases, first asked first, while nothing blocks them. */
async function advanceIn(
  session: SqlSession,
  repo: string,
  limits: ReleaseLimits,
  now: number,
): Promise<QueueAdvance> {
  const expired = await expire(session, repo, now);
  const queue = await rows(session, SELECT_QUEUED_RELEASES, { repo });
  // What runs matters only to a queue: most webhooks find none, and skip reading it.
  if (queue.length === 0) return { expired, started: [] };
  const running = await rows(session, SELECT_ACTIVE_RELEASES, { repo });
  const waiting = new Map<string, number>();
  const started: ReleaseRecord[] = [];
  for (const queued of queue) {
    const blocker = admissionBlocker(queued, {
      locks: await heldLocks(session, repo, queued.environment, now),
      run: await heldRun(session, queued, now),
      running,
      queuedAhead: waiting.get(queued.environment) ?? 0,
      concurrentReleases: limits.concurrentReleases,
    });
    if (blocker) {
      waiting.set(queued.environment, (waiting.get(queued.environment) ?? 0) + 1);
      continue;
    }
    const startedRelease = await startQueued(session, queued, limits.leaseMs, now);
    running.push(startedRelease);
    started.push(startedRelease);
  }
  return { expired, started };
}

async function startQueued(
  session: SqlSession,
  queued: ReleaseRecord,
  lease: number,
  now: number,
): Promise<ReleaseRecord> {
  const [release] = await rows(session, START_RELEASE, { now, id: queued.id });
  if (!release) throw new Error(`release ${queued.id} left the queue meanwhile; this is a bug in the ledger`);
  await takeLease(session, release, lease, now);
  return release;
}

/** Started releases whose lease ran out become expired, and their lapsed leases are removed. */
async function expire(session: SqlSession, repo: string, now: number): Promise<ReleaseRecord[]> {
  const expired = await rows(session, EXPIRE_RELEASES, { now, repo });
  for (const release of expired) {
    await session.query(RELEASE_LOCK, {
      name: leaseLockName(repo, release.environment),
      holder: leaseHolder(release.id),
    });
  }
  return expired;
}

async function takeLease(session: SqlSession, release: ReleaseRecord, lease: number, now: number) {
  const outcome = await acquireLockIn(
    session,
    leaseLockName(release.repo, release.environment),
    leaseHolder(release.id),
    { ttlMs: leaseMs(lease), reason: `${release.kind} by ${release.requestedBy ?? 'unknown'}` },
    now,
  );
  if (!outcome.acquired) {
    throw new Error(
      `release ${release.id} could not take the lease of ${release.environment}, held by ${outcome.heldBy.holder}; this is a bug in the ledger`,
    );
  }
}

/** A status renews the lease; one that lapsed is taken again if nobody else took it. */
async function renewLease(session: SqlSession, release: ReleaseRecord, lease: number, now: number) {
  const name = leaseLockName(release.repo, release.environment);
  const holder = leaseHolder(release.id);
  const renewed = await session.query(RENEW_LOCK, {
    renewed_at: now,
    expires_at: now + leaseMs(lease),
    name,
    holder,
    now,
  });
  if (renewed.length === 0) await acquireLockIn(session, name, holder, { ttlMs: lease }, now);
}

/** People's locks on the environment and the repository that are held at `now`. */
async function heldLocks(
  session: SqlSession,
  repo: string,
  environment: string,
  now: number,
): Promise<LockRecord[]> {
  const locks: LockRecord[] = [];
  for (const name of [environmentLockName(repo, environment), globalLockName(repo)]) {
    const [row] = await session.query(SELECT_LOCK, { name });
    const lock = row ? toLock(row) : undefined;
    if (lock && (lock.expiresAt === null || lock.expiresAt > now)) locks.push(lock);
  }
  return locks;
}

/**
 * The lease a CLI or Action run holds on the release's service and environment at `now`, unless
 * the run carries out a bot release of the same repository and environment (its own release, or
 * one that runs or has just finished there: its release, not its run, is what the queue weighs).
 */
async function heldRun(
  session: SqlSession,
  release: Pick<ReleaseRecord, 'repo' | 'environment' | 'service'>,
  now: number,
): Promise<LockRecord | null> {
  if (release.service === null) return null;
  const [row] = await session.query(SELECT_LOCK, {
    name: deployLockName(release.service, release.environment),
  });
  const lock = row ? toLock(row) : undefined;
  if (!lock || (lock.expiresAt !== null && lock.expiresAt <= now)) return null;
  const carried = carriedRelease(lock);
  if (carried === null) return lock;
  const [own] = await rows(session, SELECT_RELEASE, { id: carried });
  const ours = own?.origin === 'bot' && own.repo === release.repo && own.environment === release.environment;
  return ours ? null : lock;
}

/** A status recorded before: its release as it is now, and what its success superseded. */
async function redelivered(session: SqlSession, report: DeploymentStatusReport): Promise<StatusRecording> {
  const release = await findRelease(session, report);
  if (!release) return DUPLICATE;
  const { deploymentId, finishedAt, succeededAt } = release;
  if (report.state !== 'success' || deploymentId === null || finishedAt === null || succeededAt === null)
    return { outcome: 'redelivered', release, superseded: [] };
  const where = {
    repo: release.repo,
    environment: release.environment,
    deployment_id: deploymentId,
    finished_at: finishedAt,
  };
  const superseded =
    release.targets === null
      ? await rows(session, SELECT_SUPERSEDED_RELEASES, where)
      : await rows(session, SELECT_SUPERSEDED_RING_RELEASES, {
          ...where,
          targets: targetsParam(release.targets),
        });
  return { outcome: 'redelivered', release, superseded };
}

/** The release a status belongs to: by deployment id, else the started release of that version. */
async function findRelease(
  session: SqlSession,
  report: DeploymentStatusReport,
): Promise<ReleaseRecord | undefined> {
  const [release] = await rows(session, SELECT_STATUS_RELEASE, {
    repo: report.repo,
    deployment_id: report.deploymentId,
    environment: report.environment,
    version: report.version,
  });
  return release;
}

/** The targets column: a JSON array of names, NULL for every target. */
function targetsParam(targets: readonly string[] | null | undefined): string | null {
  return targets ? JSON.stringify(targets) : null;
}

/** A deployment the bot did not create (the Action's own, a person's): recorded as it is seen, at `state`. */
async function insertSeen(
  session: SqlSession,
  report: DeploymentStatusReport,
  state: ReleaseState,
  now: number,
): Promise<ReleaseRecord> {
  const [inserted] = await rows(session, INSERT_SEEN_RELEASE, {
    repo: report.repo,
    installation_id: report.installationId,
    environment: report.environment,
    service: report.service ?? null,
    kind: report.kind,
    state,
    version: report.version,
    commit_sha: report.commit,
    requested_by: report.requestedBy,
    deployment_id: report.deploymentId,
    log_url: report.logUrl,
    check_run_url: report.checkRunUrl,
    description: report.description,
    now,
    targets: targetsParam(report.targets),
    track: report.track ?? null,
  });
  if (!inserted) throw new Error('the deployment was not recorded; this is a bug in the ledger');
  return inserted;
}

interface StatusFields {
  deploymentId: number | null;
  description: string | null;
  logUrl: string | null;
  checkRunUrl: string | null;
}

async function setStatus(
  session: SqlSession,
  release: ReleaseRecord,
  report: StatusFields,
  state: ReleaseState,
  now: number,
): Promise<ReleaseRecord> {
  const [row] = await rows(session, SET_RELEASE_STATUS, {
    state,
    deployment_id: report.deploymentId,
    log_url: report.logUrl,
    check_run_url: report.checkRunUrl,
    description: report.description,
    updated_at: now,
    id: release.id,
  });
  if (!row) throw new Error(`release ${release.id} vanished; this is a bug in the ledger`);
  return row;
}

/**
 * A terminal state: the lease is freed, and a success makes earlier successful deployments of the
 * environment inactive (of a ring's release: only those to the same targets). A release that ran
 * (`used`: its deployment reported) also uses up its requester's one-deploy locks.
 */
async function finish(
  session: SqlSession,
  release: ReleaseRecord,
  report: StatusFields & { state: 'success' | 'failure' | 'error' },
  now: number,
  used: boolean,
): Promise<FinishedRelease> {
  const success = report.state === 'success';
  const [finished] = await rows(session, FINISH_RELEASE, {
    state: report.state,
    deployment_id: report.deploymentId,
    log_url: report.logUrl,
    check_run_url: report.checkRunUrl,
    description: report.description,
    finished_at: now,
    succeeded_at: success ? now : null,
    updated_at: now,
    id: release.id,
  });
  if (!finished) throw new Error(`release ${release.id} vanished; this is a bug in the ledger`);
  const { repo, environment } = finished;
  await session.query(RELEASE_LOCK, {
    name: leaseLockName(repo, environment),
    holder: leaseHolder(release.id),
  });
  const freedLocks = used ? await useUpLocks(session, finished) : [];
  const superseded =
    success && finished.deploymentId !== null
      ? finished.targets === null
        ? await rows(session, SUPERSEDE_RELEASES, {
            updated_at: now,
            repo,
            environment,
            deployment_id: finished.deploymentId,
          })
        : await rows(session, SUPERSEDE_RING_RELEASES, {
            updated_at: now,
            repo,
            environment,
            deployment_id: finished.deploymentId,
            targets: targetsParam(finished.targets),
          })
      : [];
  return { release: finished, superseded, freedLocks };
}

/** The requester's one-deploy locks on the environment or the repository, released. */
async function useUpLocks(session: SqlSession, release: ReleaseRecord): Promise<LockRecord[]> {
  if (release.requestedBy === null) return [];
  const freed: LockRecord[] = [];
  for (const name of [environmentLockName(release.repo, release.environment), globalLockName(release.repo)]) {
    const [row] = await session.query(SELECT_LOCK, { name });
    const lock = row ? toLock(row) : undefined;
    if (lock?.holder !== release.requestedBy || lock.data?.once !== true) continue;
    const [released] = await session.query(RELEASE_LOCK, { name, holder: release.requestedBy });
    if (released) freed.push(toLock(released));
  }
  return freed;
}

function checkLimits(limits: ReleaseLimits): void {
  if (!Number.isSafeInteger(limits.concurrentReleases) || limits.concurrentReleases < 1) {
    throw new RangeError(`concurrent releases must be a whole number ≥ 1, got ${limits.concurrentReleases}`);
  }
  leaseMs(limits.leaseMs);
}
