/**
 * Who a service belongs to. A service is bound to the repositories that own it: the first
 * repository to declare it (its tranche.yml names the service), or the repositories that first
 * declaration lists under `repositories`. From then on only an owner's records count for the
 * service (outcomes, deployment statuses, locks, leases); another repository naming the same
 * service is refused, with the reason. An owner's tranche.yml may change the list (to share the
 * service, or hand it over); another repository's list changes nothing.
 *
 * The rule is decideOwnership, a pure function of the claim and the binding in force; claimService
 * applies it over the small port the ledger implements.
 */
import type { ServiceOwnerLedger } from '../ledger/types.ts';

/** A front door's claim to act for a service: from a repository, with its tranche.yml's list. */
export interface ServiceClaim {
  service: string;
  /** `owner/repo` the claim comes from: the webhook's repository, the Action's, the job's. */
  repo: string;
  /** The claiming repository's tranche.yml `repositories`; undefined when it names none. */
  declared?: readonly string[] | undefined;
}

export type OwnershipDecision =
  /** Nobody owns the service yet: bind it to `repos` (the claimant is one) and accept. */
  | { kind: 'bind'; repos: string[] }
  /** The claimant owns it, and its list is the binding's. */
  | { kind: 'accept'; repos: string[] }
  /** The claimant owns it and names other repositories: the binding becomes its list. */
  | { kind: 'rebind'; repos: string[] }
  | { kind: 'refuse'; repos: string[]; reason: string };

/** What a claim meets: accepted, or refused with why; `owners` are the repositories bound afterwards. */
export type Ownership =
  | { accepted: true; owners: string[] }
  | { accepted: false; owners: string[]; reason: string };

export type ServiceOwnerStore = Pick<
  ServiceOwnerLedger,
  'serviceOwner' | 'bindService' | 'setServiceRepositories'
>;

/** The rule: decides a claim against the repositories the service is bound to (null: none yet). */
export function decideOwnership(claim: ServiceClaim, bound: readonly string[] | null): OwnershipDecision {
  const declared = claim.declared === undefined ? undefined : [...new Set(claim.declared)];
  if (bound === null) {
    if (declared === undefined) return { kind: 'bind', repos: [claim.repo] };
    if (declared.includes(claim.repo)) return { kind: 'bind', repos: declared };
    return {
      kind: 'refuse',
      repos: [],
      reason: `${claim.repo} declares ${claim.service} but its repositories (${declared.join(', ')}) leave it out, so it cannot take ${claim.service}`,
    };
  }
  const repos = [...bound];
  if (!repos.includes(claim.repo)) return { kind: 'refuse', repos, reason: notOwnerReason(claim, repos) };
  if (declared === undefined || sameRepositories(declared, repos)) return { kind: 'accept', repos };
  return { kind: 'rebind', repos: declared };
}

/**
 * Applies the rule: binds a service nobody owns, follows an owner's changed list, and refuses
 * anyone else. Two first claims at once: one binds, the other is decided against its binding.
 */
export async function claimService(
  store: ServiceOwnerStore,
  claim: ServiceClaim,
  now: number,
): Promise<Ownership> {
  const binding = await store.serviceOwner(claim.service);
  let decision = decideOwnership(claim, binding?.repos ?? null);
  if (decision.kind === 'bind') {
    const inForce = await store.bindService(claim.service, decision.repos, now);
    decision = decideOwnership(claim, inForce.repos);
  }
  if (decision.kind === 'rebind') await store.setServiceRepositories(claim.service, decision.repos, now);
  return decision.kind === 'refuse'
    ? { accepted: false, owners: decision.repos, reason: decision.reason }
    : { accepted: true, owners: decision.repos };
}

/** The repositories the service is bound to; none when nobody has claimed it. */
export async function serviceOwners(
  store: Pick<ServiceOwnerStore, 'serviceOwner'>,
  service: string,
): Promise<string[]> {
  return (await store.serviceOwner(service))?.repos ?? [];
}

/** A deploy, rollback or record refused because its repository does not own the service. */
export class ServiceNotOwnedError extends Error {
  override name = 'ServiceNotOwnedError';
}

/** claimService, throwing ServiceNotOwnedError with the reason on a refusal; the owners otherwise. */
export async function requireOwnership(
  store: ServiceOwnerStore,
  claim: ServiceClaim,
  now: number,
): Promise<string[]> {
  const ownership = await claimService(store, claim, now);
  if (!ownership.accepted) throw new ServiceNotOwnedError(ownership.reason);
  return ownership.owners;
}

function notOwnerReason(claim: ServiceClaim, owners: readonly string[]): string {
  const list = owners.join(', ');
  return `${claim.service} belongs to ${list}, not to ${claim.repo}: a service's outcomes, deployments, locks and leases come only from its own repositories (to share it, list ${claim.repo} under repositories in the tranche.yml of ${owners[0] ?? list})`;
}

function sameRepositories(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((repo) => b.includes(repo));
}
