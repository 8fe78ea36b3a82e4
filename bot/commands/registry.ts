/**
 * Every command the bot knows, with its usage and what it does: the one list /help, the parser's
 * did-you-mean and the README's reference come from. A new command is a new entry here, a schema
 * in command-schema.ts and a handler in bot/handlers.
 */

export const COMMAND_NAMES = ['deploy', 'noop', 'rollback', 'lock', 'unlock', 'status', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandInfo {
  name: CommandName;
  /** Without the prefix: `deploy [to] <environment> [version]`. */
  usage: string;
  summary: string;
  /** Changes what runs or may run: needs a deployer's role (bot.deployers). */
  changes: boolean;
}

export const COMMANDS: Record<CommandName, CommandInfo> = {
  deploy: {
    name: 'deploy',
    usage: 'deploy [to] <environment> [version]',
    summary:
      "Deploys this pull request's head commit as the next version, or a known version; queued while the environment is locked or busy.",
    changes: true,
  },
  noop: {
    name: 'noop',
    usage: 'noop <environment>',
    summary: 'Shows the plan of a deploy (components, batches, bake) and deploys nothing.',
    changes: false,
  },
  rollback: {
    name: 'rollback',
    usage: 'rollback <environment> [to <version>]',
    summary:
      'Puts the last good version before the live one (or the named known version) back on every target at once.',
    changes: true,
  },
  lock: {
    name: 'lock',
    usage: 'lock <environment>|--global [--once] [reason]',
    summary:
      "Locks the environment (or, with --global, every environment) until /unlock; others' deploys wait in the queue. --once: only until your next deploy there finishes.",
    changes: true,
  },
  unlock: {
    name: 'unlock',
    usage: 'unlock <environment>|--global',
    summary: 'Frees the lock, whoever holds it; what waited for it starts.',
    changes: true,
  },
  status: {
    name: 'status',
    usage: 'status [environment]',
    summary: 'Per environment: the live version, its commit, who deployed it and when, locks, and the queue.',
    changes: false,
  },
  help: {
    name: 'help',
    usage: 'help [command]',
    summary: 'This list, or one command in detail.',
    changes: false,
  },
};

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}
