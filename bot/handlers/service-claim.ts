/**
 * The repository's claim to the service its tranche.yml names (release/service-owner.ts decides
 * it): every record, lock and lease the bot takes for a service goes through here first, so one
 * repository cannot speak for another's service.
 */
import type { ServiceOwnerLedger } from '../../src/ledger/types.ts';
import { claimService, type Ownership } from '../../src/release/service-owner.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
import type { CommentTarget } from './answer.ts';
import { refuse } from './answer.ts';

/**
 * The claim of the repository in scope over `owners` (the ledger's bindings, or a transaction's);
 * undefined without a valid tranche.yml (no service to claim).
 */
export async function claimOwnService(
  scope: HandlerScope,
  owners: ServiceOwnerLedger = scope.deps.ledger,
): Promise<Ownership | undefined> {
  const loaded = loadedConfig(scope);
  if (!loaded) return undefined;
  const { service, repositories } = loaded.config;
  return claimService(owners, { service, repo: scope.fullName, declared: repositories }, scope.deps.now());
}

/**
 * True when the repository may act for its service (or names none); otherwise logs `what` with
 * the reason and returns false, having done nothing else.
 */
export async function ownsService(scope: HandlerScope, what: string): Promise<boolean> {
  return accepted(scope, what, await claimOwnService(scope));
}

/** ownsService's answer from a claim already made: logs `what` with the reason of a refusal. */
export function accepted(scope: HandlerScope, what: string, ownership: Ownership | undefined): boolean {
  if (ownership === undefined || ownership.accepted) return true;
  scope.log.warn(`refused ${what} from ${scope.fullName}: ${ownership.reason}`);
  return false;
}

/** ownsService for a command: a refusal is also the reply to the command. */
export async function commandOwnsService(
  scope: HandlerScope,
  target: CommentTarget,
  what: string,
): Promise<boolean> {
  const ownership = await claimOwnService(scope);
  if (ownership === undefined || ownership.accepted) return true;
  await refuse(scope, target, what, ownership.reason);
  return false;
}
