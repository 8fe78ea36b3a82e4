/**
 * `issue_comment.created`: a comment that is a command gets 👀 at once, then its answer. Comments
 * by bots (the app itself included) and comments that are not commands are ignored silently;
 * anything that looks like a command but is not understood gets a helpful reply.
 */
import type { Context } from 'probot';
import { httpStatus, redactedMessage } from '../../src/github/client.ts';
import { type BotDeps, botLog, botSettings, type HandlerScope } from '../bot-scope.ts';
import type { Command } from '../commands/command-schema.ts';
import { parseCommand } from '../commands/parse-command.ts';
import { COMMANDS, ISSUE_COMMANDS } from '../commands/registry.ts';
import { readConfig } from '../github/read-config.ts';
import { acknowledge, reply } from '../github/replies.ts';
import { type RepoEvent, webhookIdentity } from '../github/webhook-identity.ts';
import { renderParseFailure } from '../render/help-reply.ts';
import { userText } from '../render/user-text.ts';
import { advanceTracks } from '../tracks/advance-tracks.ts';
import { answer, refuse } from './answer.ts';
import { deploy, type Requester } from './deploy.ts';
import { hold, unhold } from './hold.ts';
import { lock, unlock } from './lock.ts';
import { markVerdict } from './mark-verdict.ts';
import { noop } from './noop.ts';
import { promote } from './promote.ts';
import { commandOwnsService } from './service-claim.ts';
import { help, status } from './status.ts';

export async function onComment(context: Context<'issue_comment.created'>, deps: BotDeps): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (comment.user?.type === 'Bot' || context.isBot) return;
  // Every prefix is punctuation: a comment that starts otherwise costs no request.
  if (!/^\s*[!-/:-@[-`{-~]/.test(comment.body)) return;
  const scope = await handlerScope(context, deps);
  const parsed = parseCommand(comment.body, scope.settings.prefix);
  if (parsed === null) return;
  await acknowledge(scope, comment.id);
  const requester: Requester = {
    login: comment.user?.login ?? context.payload.sender.login,
    issueNumber: issue.number,
  };
  if (!parsed.ok) {
    scope.log.info(
      `could not read a command in ${repository.full_name}#${issue.number}: ${parsed.failure.message}`,
    );
    await answer(scope, requester, renderParseFailure(parsed.failure, scope.settings.prefix));
    return;
  }
  const { command } = parsed;
  if (!issue.pull_request && !ISSUE_COMMANDS.has(command.name)) {
    await refuse(
      scope,
      requester,
      `/${command.name}`,
      `\`${scope.settings.prefix}${command.name}\` works on pull requests; #${issue.number} is an issue`,
    );
    return;
  }
  // A command that changes what runs (a deploy's lease, a lock) acts only for the service's owners.
  const what = `/${command.name}`;
  try {
    if (COMMANDS[command.name].changes && !(await commandOwnsService(scope, requester, what))) return;
    await run(scope, command, requester);
  } catch (error) {
    await replyFailure(scope, requester, what, error);
    // GitHub's refusal is answered and logged; anything else is the bot's own fault: Probot logs it.
    if (httpStatus(error) === undefined) throw error;
    return;
  }
  // The lazy check of the promotion timers: whatever is due in this repository goes now.
  await advanceTracks(scope);
}

/**
 * A command that failed after its 👀 still gets a reply, so nobody waits on a reaction: GitHub's
 * refusal with its status and message (quoted and cut, as it may echo the command's words), or
 * that the bot failed. A reply GitHub refuses too is only logged.
 */
async function replyFailure(scope: HandlerScope, requester: Requester, what: string, error: unknown) {
  const status = httpStatus(error);
  const message = redactedMessage(error);
  scope.log.warn(`${what} in ${scope.fullName}#${requester.issueNumber} failed: ${status ?? ''} ${message}`);
  const why =
    status === undefined
      ? 'the bot failed; whoever runs it finds why in its log'
      : `GitHub answered ${status}: ${userText(message, 200)}`;
  try {
    await reply(scope, requester.issueNumber, `😕 \`${what}\` stopped: ${why}. Try again in a while.`);
  } catch (replyError) {
    scope.log.warn(`the reply to ${what} failed too: ${redactedMessage(replyError)}`);
  }
}

function run(scope: HandlerScope, command: Command, requester: Requester): Promise<void> {
  switch (command.name) {
    case 'deploy':
    case 'rollback':
      return deploy(scope, command, requester);
    case 'noop':
      return noop(scope, command, requester);
    case 'lock':
      return lock(scope, command, requester);
    case 'unlock':
      return unlock(scope, command, requester);
    case 'promote':
      return promote(scope, command, requester);
    case 'hold':
      return hold(scope, command, requester);
    case 'unhold':
      return unhold(scope, command, requester);
    case 'mark-bad':
    case 'mark-good':
      return markVerdict(scope, command, requester);
    case 'status':
      return status(scope, command, requester);
    case 'help':
      return help(scope, command, requester);
  }
}

/**
 * The repository, its client and tranche.yml from the default branch, for one delivery; its claim
 * is keyed by what the signed payload acts on (webhook-identity.ts), not by the delivery id.
 */
export async function handlerScope(context: Context<RepoEvent>, deps: BotDeps): Promise<HandlerScope> {
  const { repository, installation } = context.payload;
  const base = {
    octokit: context.octokit,
    owner: repository.owner.login,
    repo: repository.name,
    fullName: repository.full_name,
    installationId: installation?.id ?? null,
    htmlUrl: repository.html_url,
    deps,
    log: botLog(context.log),
    delivery: {
      id: webhookIdentity(context),
      repo: repository.full_name,
      event: context.name,
      at: deps.now(),
    },
  };
  const config = await readConfig(base, deps.configPaths);
  return { ...base, config, settings: botSettings(config) };
}
