/**
 * The lease a deploy or rollback run by the CLI or the Action holds on its service's environment
 * while it runs (`deploy:<service>:<environment>`), and the bot's locks it respects: a person's
 * /lock on the environment or on the whole repository, and the lease of a release the bot started
 * there. The lease is renewed while the run goes and released when it ends; a holder that
 * crashed loses it when it runs out, so the next deploy goes ahead without an operator.
 *
 * The order matters: the run takes its own lease first and then looks at the bot's locks, so a
 * second run that starts meanwhile finds the lease taken rather than both passing the look.
 */
import type { Clock, ComponentSpec } from '../engine/ports.ts';
import {
  deployLockName,
  environmentLockName,
  globalLockName,
  leaseHolder,
  leaseLockName,
} from '../ledger/release-locks.ts';
import type { Ledger, LockRecord } from '../ledger/types.ts';

/** How long a run's lease lasts unless renewed; it is renewed every third of that. */
export const DEPLOY_LEASE_MS = 60_000;

/**
 * How long a run's lease lasts unrenewed: past the longest deploy, rollback or command check
 * timeout, so a run that died mid-command (on this host or another) keeps others out until its
 * orphan would have been killed. (http and Prometheus checks run inside the process and die with it.)
 */
export function leaseCovering(components: readonly ComponentSpec[]): number {
  const timeouts = components.flatMap((c) => [
    c.timeoutMs,
    ...c.checks.filter((check) => check.kind === 'command').map((check) => check.timeoutMs),
  ]);
  return DEPLOY_LEASE_MS + Math.max(0, ...timeouts);
}

export type DeployLockLedger = Pick<Ledger, 'acquireLock' | 'renewLock' | 'releaseLock' | 'locks'>;

export interface DeployLockRequest {
  service: string;
  environment: string;
  /** Unique to the run, e.g. `cli:<run id>`: only the holder renews or releases. */
  holder: string;
  /** What the lock's reader sees: `deploy by alice on build-7 (pid 4242)`. */
  reason: string;
  data?: Record<string, unknown> | undefined;
  /** The repositories whose bot locks bind this run: `--github`'s, the Action's, the service's in the ledger. */
  repos: readonly string[];
  /**
   * The bot's release this run carries out (the Action on a deployment the bot started): its
   * admission weighed the people's locks already, and the release's lease is this run's own.
   */
  admittedRelease?: number | undefined;
  leaseMs?: number | undefined;
}

/** What keeps a run from starting: the lock, and what kind of holder has it. */
export type DeployLockBlocker = { kind: 'run' | 'environment' | 'global' | 'release'; lock: LockRecord };

/** A deploy or rollback refused because something else holds its environment. */
export class DeployLockedError extends Error {
  override name = 'DeployLockedError';
  readonly blocker: DeployLockBlocker;

  constructor(request: Pick<DeployLockRequest, 'service' | 'environment'>, blocker: DeployLockBlocker) {
    super(lockedMessage(request, blocker));
    this.blocker = blocker;
  }
}

export interface HeldDeployLock {
  lock: LockRecord;
  /** Stops renewing and releases the lease; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Takes the run's lease, or throws DeployLockedError naming who holds the environment. While held,
 * the lease is renewed on `clock`; a renewal that fails (the lease lost to a long pause, the ledger
 * unreachable) is told to `warn` and tried again at the next tick.
 */
export async function holdDeployLock(
  ledger: DeployLockLedger,
  request: DeployLockRequest,
  clock: Clock,
  warn: (message: string) => void,
): Promise<HeldDeployLock> {
  const name = deployLockName(request.service, request.environment);
  const ttlMs = request.leaseMs ?? DEPLOY_LEASE_MS;
  const data =
    request.admittedRelease === undefined
      ? request.data
      : { ...request.data, release: request.admittedRelease };
  const lease = { ttlMs, reason: request.reason, data };
  const taken = await ledger.acquireLock(name, request.holder, lease, clock.now());
  if (!taken.acquired) throw new DeployLockedError(request, { kind: 'run', lock: taken.heldBy });
  try {
    const blocker = botBlocker(await ledger.locks(clock.now()), request);
    if (blocker) throw new DeployLockedError(request, blocker);
  } catch (error) {
    await ledger.releaseLock(name, request.holder);
    throw error;
  }
  const stop = new AbortController();
  const renewing = (async () => {
    for (;;) {
      await clock.sleep(Math.ceil(ttlMs / 3), stop.signal);
      if (stop.signal.aborted) return;
      try {
        const renewed = await ledger.renewLock(name, request.holder, ttlMs, clock.now());
        if (renewed) continue;
        const again = await ledger.acquireLock(name, request.holder, lease, clock.now());
        if (!again.acquired) warn(`the lease on ${name} ran out and ${again.heldBy.holder} holds it now`);
      } catch (error) {
        warn(
          `could not renew the lease on ${name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  })();
  let released: Promise<void> | undefined;
  return {
    lock: taken.lock,
    release() {
      released ??= (async () => {
        stop.abort();
        await renewing;
        await ledger.releaseLock(name, request.holder);
      })();
      return released;
    },
  };
}

/** A bot lock among `locks` that binds the run: a person's on the environment or globally, a release's lease. */
export function botBlocker(
  locks: readonly LockRecord[],
  request: Pick<DeployLockRequest, 'environment' | 'repos' | 'admittedRelease'>,
): DeployLockBlocker | null {
  return botBlockers(locks, request)[0] ?? null;
}

/** Every bot lock among `locks` that binds the run, the one botBlocker names first. */
function botBlockers(
  locks: readonly LockRecord[],
  request: Pick<DeployLockRequest, 'environment' | 'repos' | 'admittedRelease'>,
): DeployLockBlocker[] {
  const admitted = request.admittedRelease;
  const blockers: DeployLockBlocker[] = [];
  for (const repo of request.repos) {
    for (const lock of locks) {
      if (admitted === undefined && lock.name === environmentLockName(repo, request.environment))
        blockers.push({ kind: 'environment', lock });
      else if (admitted === undefined && lock.name === globalLockName(repo))
        blockers.push({ kind: 'global', lock });
      else if (
        lock.name === leaseLockName(repo, request.environment) &&
        !(admitted !== undefined && lock.holder === leaseHolder(admitted))
      )
        blockers.push({ kind: 'release', lock });
    }
  }
  return blockers;
}

/**
 * What holds the service's environment among `locks`: a run's lease and every bot lock that
 * would refuse a new run there (what a dashboard shows beside the environment).
 */
export function environmentHolders(
  locks: readonly LockRecord[],
  request: Pick<DeployLockRequest, 'service' | 'environment' | 'repos'>,
): DeployLockBlocker[] {
  const lease = deployLockName(request.service, request.environment);
  const runs = locks.filter((lock) => lock.name === lease).map((lock) => ({ kind: 'run' as const, lock }));
  return [...runs, ...botBlockers(locks, request)];
}

function lockedMessage(
  request: Pick<DeployLockRequest, 'service' | 'environment'>,
  { kind, lock }: DeployLockBlocker,
): string {
  const since = `since ${new Date(lock.acquiredAt).toISOString()}`;
  const reason = lock.reason ? ` (${lock.reason})` : '';
  const where = `${request.service} in ${request.environment}`;
  switch (kind) {
    case 'run':
      return `${where} is being deployed by ${lock.holder}${reason}, ${since}: wait for it to finish (a crashed run's lease runs out within ${seconds(lock)})`;
    case 'release':
      return `${request.environment} is being deployed by the bot's ${lock.holder}${reason}, ${since}: wait for it to finish`;
    case 'environment':
      return `${request.environment} is locked by ${lock.holder} with the bot's /lock${reason}, ${since}: deploy once it is unlocked (/unlock ${request.environment})`;
    case 'global':
      return `every environment is locked by ${lock.holder} with the bot's /lock --global${reason}, ${since}: deploy once it is unlocked (/unlock --global)`;
  }
}

function seconds(lock: LockRecord): string {
  return lock.expiresAt === null
    ? 'never: it has no lease'
    : `${Math.ceil((lock.expiresAt - lock.renewedAt) / 1000)} s`;
}
