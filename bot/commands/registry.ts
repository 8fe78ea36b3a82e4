/**
 * Every command the bot knows, with its usage and what it does: the one list /help, the parser's
 * did-you-mean and the reference in docs/bot.md come from. A new command is a new entry here, a schema
 * in command-schema.ts and a handler in bot/handlers.
 */

export const COMMAND_NAMES = [
  'deploy',
  'noop',
  'rollback',
  'lock',
  'unlock',
  'promote',
  'hold',
  'unhold',
  'mark-bad',
  'mark-good',
  'status',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandInfo {
  name: CommandName;
  /** Without the prefix: `deploy [to] <environment> [version]`. */
  usage: string;
  summary: string;
  /** Changes what runs or may run: needs a deployer's role (bot.deployers). */
  changes: boolean;
  /** Works on an issue as well as on a pull request: it does not deploy the pull request's code. */
  onIssues: boolean;
}

export const COMMANDS: Record<CommandName, CommandInfo> = {
  deploy: {
    name: 'deploy',
    usage: 'deploy [to] <environment> [version]',
    summary:
      "Deploys this pull request's head commit as the next version, or a known version; queued while the environment is locked or busy.",
    changes: true,
    onIssues: false,
  },
  noop: {
    name: 'noop',
    usage: 'noop <environment>',
    summary: 'Shows the plan of a deploy (components, batches, bake) and deploys nothing.',
    changes: false,
    onIssues: false,
  },
  rollback: {
    name: 'rollback',
    usage: 'rollback <environment> [to <version>]',
    summary:
      'Puts the last good version before the live one (or the named known version) back on every target at once.',
    changes: true,
    onIssues: false,
  },
  lock: {
    name: 'lock',
    usage: 'lock <environment>|--global [--once] [reason]',
    summary:
      "Locks the environment (or, with --global, every environment) until /unlock; others' deploys wait in the queue. --once: only until your next deploy there finishes.",
    changes: true,
    onIssues: false,
  },
  unlock: {
    name: 'unlock',
    usage: 'unlock <environment>|--global',
    summary: 'Frees the lock, whoever holds it; what waited for it starts.',
    changes: true,
    onIssues: false,
  },
  promote: {
    name: 'promote',
    usage: 'promote <version> [to <track>]',
    summary:
      'Promotes a version to the next release track (or the one named) now, without waiting for the bake; never past a hold or a bad verdict.',
    changes: true,
    onIssues: true,
  },
  hold: {
    name: 'hold',
    usage: 'hold <track> [reason]',
    summary: 'Puts a release track on hold: nothing is promoted into or out of it until /unhold.',
    changes: true,
    onIssues: true,
  },
  unhold: {
    name: 'unhold',
    usage: 'unhold <track>',
    summary: "Lifts a track's hold, whoever set it; a promotion that is due goes ahead.",
    changes: true,
    onIssues: true,
  },
  'mark-bad': {
    name: 'mark-bad',
    usage: 'mark-bad <version> [reason]',
    summary:
      'Marks a version bad everywhere: deploys and promotions of it are refused, and it is rolled back per verdict.rollback.',
    changes: true,
    onIssues: true,
  },
  'mark-good': {
    name: 'mark-good',
    usage: 'mark-good <version> [reason]',
    summary: 'Marks a version good, overriding a bad verdict: it may be deployed and promoted again.',
    changes: true,
    onIssues: true,
  },
  status: {
    name: 'status',
    usage: 'status [environment]',
    summary:
      'Per environment: the live version, its commit, who deployed it and when, locks, and the queue; which version is on which release track and when the next promotion is due.',
    changes: false,
    onIssues: true,
  },
  help: {
    name: 'help',
    usage: 'help [command]',
    summary: 'This list, or one command in detail.',
    changes: false,
    onIssues: true,
  },
};

/** Commands that work on issues too (a bad verdict's explanation may be an issue, where /mark-good belongs). */
export const ISSUE_COMMANDS: ReadonlySet<CommandName> = new Set(
  COMMAND_NAMES.filter((n) => COMMANDS[n].onIssues),
);

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}
