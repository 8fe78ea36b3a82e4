/**
 * The lease port: how a run reported to GitHub (the Action, `tranche deploy --github`) holds its
 * service's environment while it runs. With a SQLite or PostgreSQL ledger it is the ledger's
 * lease (deploy-lock.ts), taken only by a repository that owns the service (service-owner.ts);
 * `ledger: github` keeps no leases (src/github/github-source.ts says why). Callers pass the port;
 * which one it is decides nothing else.
 */
import type { Clock } from '../engine/ports.ts';
import { ACTIVE_RELEASE_STATES, type ReleaseLedger } from '../ledger/types.ts';
import { type DeployLockLedger, holdDeployLock } from './deploy-lock.ts';
import { requireOwnership, type ServiceOwnerStore } from './service-owner.ts';

export interface LeaseRequest {
  service: string;
  environment: string;
  /** `owner/repo` the run comes from: it must own the service. */
  repo: string;
  /** The run's tranche.yml `repositories`; undefined when it names none. */
  declared: readonly string[] | undefined;
  /** Unique to the run: only the holder renews or releases. */
  holder: string;
  /** What the lock's reader sees. */
  reason: string;
  data?: Record<string, unknown> | undefined;
  /** The bot's release the run says it carries out (its deployment's runId); null when none. */
  carries: number | null;
}

export interface HeldLease {
  /** Gives the environment back; safe to call twice. */
  release(): Promise<void>;
}

export interface EnvironmentLease {
  /**
   * Holds the environment for the run, or throws why not (DeployLockedError: someone holds it;
   * ServiceNotOwnedError: the run's repository does not own the service). A lost renewal is told
   * to `warn`.
   */
  hold(request: LeaseRequest, clock: Clock, warn: (message: string) => void): Promise<HeldLease>;
}

/** A shared ledger as a deploy reported to GitHub uses it for its lease. */
export type LeaseLedger = DeployLockLedger & ServiceOwnerStore & Pick<ReleaseLedger, 'releases'>;

/**
 * The ledger's lease. A run carrying out a release the bot admitted (still running, of the same
 * repository and environment) is not refused by that release's lease nor by the locks its
 * admission weighed.
 */
export function ledgerLease(ledger: LeaseLedger): EnvironmentLease {
  return {
    async hold(request, clock, warn) {
      const { service, environment, repo } = request;
      const running =
        request.carries === null
          ? []
          : await ledger.releases({ repo, environment, states: ACTIVE_RELEASE_STATES });
      const owners = await requireOwnership(
        ledger,
        { service, repo, declared: request.declared },
        clock.now(),
      );
      return holdDeployLock(
        ledger,
        {
          service,
          environment,
          holder: request.holder,
          reason: request.reason,
          data: request.data,
          repos: owners,
          admittedRelease: running.find((r) => r.id === request.carries && r.origin === 'bot')?.id,
        },
        clock,
        warn,
      );
    },
  };
}
