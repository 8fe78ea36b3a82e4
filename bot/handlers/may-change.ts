/** The role check of a command that changes what runs or may run, with its refusal when it fails. */
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandName } from '../commands/registry.ts';
import { changeRefusal } from '../decide/may-change.ts';
import { requesterRole } from '../github/requester.ts';
import { refuse } from './answer.ts';
import type { Requester } from './deploy.ts';

/** True when the requester holds a deployer's role; otherwise refuses (a reply and a log line). */
export async function mayChange(
  scope: HandlerScope,
  name: CommandName,
  requester: Requester,
  what: string,
): Promise<boolean> {
  const role = await requesterRole(scope, requester.login);
  const refusal = changeRefusal(name, role, undefined, scope.settings.deployers);
  if (!refusal) return true;
  await refuse(scope, requester, what, refusal.message);
  return false;
}
