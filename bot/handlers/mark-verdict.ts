/**
 * /mark-bad and /mark-good: a person's override of the fleet-wide verdict, appended to the
 * ledger's verdicts with who and why (overrideVerdict) beside the computed ones; it stands until
 * another override. Then the version is judged again, so the override is acted on like a computed
 * verdict: a bad one is explained in this thread, its commit status set, its environments rolled
 * back per verdict.rollback, and deploys and promotions of it refused; a good one sets the commit
 * status success and lifts the refusal.
 */
import { overrideVerdict } from '../../src/release/fleet-verdicts.ts';
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { reply } from '../github/replies.ts';
import { versionCommit } from '../releases/version-records.ts';
import { userText } from '../render/user-text.ts';
import { judgeVersions } from '../verdicts/judge.ts';
import { refuse } from './answer.ts';
import type { Requester } from './deploy.ts';
import { configFor } from './environment-check.ts';
import { mayChange } from './may-change.ts';

export async function markVerdict(
  scope: HandlerScope,
  command: CommandOf<'mark-bad'> | CommandOf<'mark-good'>,
  requester: Requester,
): Promise<void> {
  const what = `/${command.name} ${command.version}`;
  const config = configFor(scope, undefined);
  if (!config.ok) return refuse(scope, requester, what, config.problem);
  if (!(await mayChange(scope, command.name, requester, what))) return;
  const service = config.loaded.config.service;
  if ((await versionCommit(scope, service, command.version)) === undefined) {
    return refuse(
      scope,
      requester,
      what,
      `${service} has no version \`${command.version}\` that the bot knows of`,
    );
  }
  const { ledger, now } = scope.deps;
  if (!(await ledger.claimDelivery(scope.delivery))) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return;
  }
  const verdict = command.name === 'mark-bad' ? 'bad' : 'good';
  const reason = command.reason ?? `no reason given (#${requester.issueNumber})`;
  await overrideVerdict(ledger, {
    service,
    version: command.version,
    verdict,
    actor: requester.login,
    reason,
    now: now(),
  });
  scope.log.info(`${service} ${command.version} marked ${verdict} by ${requester.login}: ${reason}`);
  // A bad verdict's explanation, posted in this thread, is the reply.
  await judgeVersions(scope, service, [command.version], { thread: requester.issueNumber });
  if (verdict === 'bad') return;
  await reply(
    scope,
    requester.issueNumber,
    `✅ \`${command.version}\` marked good by @${requester.login}: ${userText(reason)}. Deploys and promotions of it are allowed again.`,
  );
}
