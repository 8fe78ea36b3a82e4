/**
 * `issue_comment.created`: a comment that is a command gets 👀 at once, then its answer. Comments
 * by bots (the app itself included) and comments that are not commands are ignored silently;
 * anything that looks like a command but is not understood gets a helpful reply.
 */
import type { Context } from 'probot';
import { type BotDeps, botSettings, type HandlerScope } from '../bot-scope.ts';
import type { Command } from '../commands/command-schema.ts';
import { parseCommand } from '../commands/parse-command.ts';
import { readConfig } from '../github/read-config.ts';
import { acknowledge } from '../github/replies.ts';
import { renderParseFailure } from '../render/help-reply.ts';
import { answer, refuse } from './answer.ts';
import { deploy, type Requester } from './deploy.ts';
import { lock, unlock } from './lock.ts';
import { noop } from './noop.ts';
import { help, status } from './status.ts';

/** Commands that make sense on an issue as well as on a pull request. */
const ANYWHERE: ReadonlySet<Command['name']> = new Set(['status', 'help']);

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
  if (!issue.pull_request && !ANYWHERE.has(command.name)) {
    await refuse(
      scope,
      requester,
      `/${command.name}`,
      `\`${scope.settings.prefix}${command.name}\` works on pull requests; #${issue.number} is an issue`,
    );
    return;
  }
  await run(scope, command, requester);
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
    case 'status':
      return status(scope, command, requester);
    case 'help':
      return help(scope, command, requester);
  }
}

/** The repository, its client and tranche.yml from the default branch, for one delivery. */
export async function handlerScope(
  context: Context<'issue_comment.created' | 'deployment_status.created'>,
  deps: BotDeps,
): Promise<HandlerScope> {
  const { repository, installation } = context.payload;
  const base = {
    octokit: context.octokit,
    owner: repository.owner.login,
    repo: repository.name,
    fullName: repository.full_name,
    installationId: installation?.id ?? null,
    htmlUrl: repository.html_url,
    deps,
    log: { info: (m: string) => context.log.info(m), warn: (m: string) => context.log.warn(m) },
    delivery: { id: context.id, repo: repository.full_name, event: context.name, at: deps.now() },
  };
  const config = await readConfig(base, deps.configPath);
  return { ...base, config, settings: botSettings(config) };
}
