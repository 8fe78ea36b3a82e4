/**
 * The names of the locks in the ledger's lock table, written here once for the code and the SQL
 * (the `...Sql` forms build the same names from columns): the lease of a CLI or Action run, and
 * the bot's locks. Every name of the bot's starts with the repository, so one ledger serves many:
 * a person's lock on one environment, or on all of them, and the lease a started release holds on
 * its environment until its deployment reports a terminal status.
 */
import type { LockRecord } from './types.ts';

/** A person's lock on one environment: `owner/repo:env:production`. */
export function environmentLockName(repo: string, environment: string): string {
  return `${repo}:env:${environment}`;
}

/** The environment a person's lock names (`owner/repo:env:production` → production); undefined for others. */
export function lockedEnvironment(repo: string, name: string): string | undefined {
  const prefix = environmentLockName(repo, '');
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

/** A person's lock on every environment of the repository: `owner/repo:global`. */
export function globalLockName(repo: string): string {
  return `${repo}:global`;
}

/** Between the repository and the environment in a release's lease name. */
const LEASE_INFIX = ':deploy:';
/** Before the release's id in its lease's holder. */
const LEASE_HOLDER_PREFIX = 'release:';

/** The lease of the release running in an environment: `owner/repo:deploy:production`. */
export function leaseLockName(repo: string, environment: string): string {
  return `${repo}${LEASE_INFIX}${environment}`;
}

/** leaseLockName as an SQL expression over two columns (or other SQL expressions). */
export function leaseLockNameSql<R extends string, E extends string>(repo: R, environment: E) {
  return `${repo} || '${LEASE_INFIX}' || ${environment}` as const;
}

/** Who holds a release's lease: `release:<id>`. */
export function leaseHolder(releaseId: number): string {
  return `${LEASE_HOLDER_PREFIX}${releaseId}`;
}

/** leaseHolder as an SQL expression over the release id's column. */
export function leaseHolderSql<I extends string>(releaseId: I) {
  return `'${LEASE_HOLDER_PREFIX}' || CAST(${releaseId} AS TEXT)` as const;
}

/** The run id the bot puts in the payload of the deployment that carries out release `releaseId`. */
export function releaseRunId(releaseId: number): string {
  return `bot-release-${releaseId}`;
}

/**
 * The release a deployment's `payload.tranche.runId` names, when the bot created the deployment
 * (releaseRunId); null for anyone else's.
 */
export function releaseOfRunId(runId: string | undefined): number | null {
  const match = /^bot-release-(\d+)$/.exec(runId ?? '');
  return match ? Number(match[1]) : null;
}

/** The repository's lock names as written in the ledger, for /status. */
export function isRepositoryLock(repo: string, name: string): boolean {
  return name.startsWith(`${repo}:`);
}

/** `deploy:shop:production`: the lease of the CLI or Action run deploying shop to production. */
export function deployLockName(service: string, environment: string): string {
  return `deploy:${service}:${environment}`;
}

/**
 * The bot's release a run's lease carries out (holdDeployLock writes `admittedRelease` into its
 * data), so the bot's queue does not wait for its own release's run; null for any other run.
 */
export function carriedRelease(lock: LockRecord): number | null {
  const release = lock.data?.release;
  return typeof release === 'number' && Number.isSafeInteger(release) ? release : null;
}
