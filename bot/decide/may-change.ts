/**
 * Who may run a command that changes what runs (deploy, rollback, lock, unlock), as a pure
 * decision over what GitHub said: the requester's role on the repository and where the pull
 * request's head lives. Every refusal carries the sentence the reply gives.
 */
import { COMMANDS, type CommandName } from '../commands/registry.ts';

export interface RequesterRole {
  login: string;
  /** GitHub's legacy permission: admin, write, read or none (maintain reads as write, triage as read). */
  permission: string;
  /** The role's name: admin, maintain, write, triage, read, or a custom role's; null when GitHub gave none. */
  roleName: string | null;
}

export interface PullRequestFacts {
  number: number;
  headSha: string;
  /** The head branch lives in another repository (a fork), or its repository was deleted. */
  fromFork: boolean;
}

export type RefusalReason = 'role' | 'fork';

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/** Commands that put a pull request's code (or any version) on targets. */
const DEPLOYING: ReadonlySet<CommandName> = new Set(['deploy', 'rollback']);

/**
 * Why the requester may not run `command`, or null when they may. A command that changes nothing
 * (noop, status, help) is open to anyone who can comment. A deployer has one of `deployers` as
 * their role's name or as their permission, so a custom role counts by its name, or by the base
 * permission it grants.
 */
export function changeRefusal(
  command: CommandName,
  requester: RequesterRole,
  pullRequest: PullRequestFacts | undefined,
  deployers: readonly string[],
): Refusal | null {
  if (!COMMANDS[command].changes) return null;
  const roles = [requester.roleName, requester.permission].filter((r): r is string => r !== null);
  if (!roles.some((role) => deployers.includes(role))) {
    return {
      reason: 'role',
      message: `@${requester.login} may not ${command} here: that needs one of the roles ${deployers.join(', ')} on this repository (yours: ${requester.roleName ?? requester.permission})`,
    };
  }
  // Order: the role first, so a stranger learns nothing about the pull request from the reply.
  if (DEPLOYING.has(command) && pullRequest?.fromFork) {
    return {
      reason: 'fork',
      message: `pull request #${pullRequest.number} comes from a fork: the bot does not ${command} from forks; push the branch to this repository to deploy it`,
    };
  }
  return null;
}
