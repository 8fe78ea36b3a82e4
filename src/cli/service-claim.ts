/**
 * A CLI run's claim to its service (release/service-owner.ts decides it). In a GitHub Actions job
 * the run acts from the job's repository (`GITHUB_REPOSITORY`), which must own the service, or
 * becomes its owner when nobody owns it yet; a run elsewhere has no repository to claim from.
 */
import type { ServiceOwnerLedger } from '../ledger/types.ts';
import { requireOwnership, serviceOwners } from '../release/service-owner.ts';
import type { Runtime } from './runtime.ts';

/**
 * The repositories that own the service, after the job's repository (if any) claimed it; throws
 * ServiceNotOwnedError (exit 2) when the job's repository does not own it.
 */
export async function ownersForRun(
  ledger: ServiceOwnerLedger,
  service: { service: string; repositories?: readonly string[] | undefined },
  runtime: Runtime,
): Promise<string[]> {
  const repo = runtime.env.GITHUB_REPOSITORY;
  if (repo === undefined || repo === '') return serviceOwners(ledger, service.service);
  const claim = { service: service.service, repo, declared: service.repositories };
  return requireOwnership(ledger, claim, Date.now());
}
