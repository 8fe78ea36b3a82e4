/** /help, and the reply to a command that could not be understood: usage, from the registry. */
import type { ParseFailure } from '../commands/parse-command.ts';
import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandName,
  ISSUE_COMMANDS,
  isCommandName,
} from '../commands/registry.ts';
import { userText } from './user-text.ts';

export function renderHelp(prefix: string, topic?: string): string {
  if (topic !== undefined && isCommandName(topic)) return commandHelp(topic, prefix);
  const unknown = topic !== undefined ? `There is no command ${userText(topic)}.\n\n` : '';
  // A | splits a table's cell even inside code, unless escaped (`<environment>|--global`).
  const rows = COMMAND_NAMES.map(
    (name) =>
      `| \`${`${prefix}${COMMANDS[name].usage}`.replaceAll('|', '\\|')}\` | ${COMMANDS[name].summary} |`,
  );
  const onIssues = [...ISSUE_COMMANDS];
  const issueList = `${onIssues.slice(0, -1).join(', ')} and ${onIssues.at(-1)}`;
  return [
    `${unknown}### Tranche commands`,
    ['| command | what it does |', '|---|---|', ...rows].join('\n'),
    `Write the command on the first line of a comment on a pull request (${issueList} work on issues too). Commands that deploy, roll back, lock, unlock, promote, hold or mark a version need a deployer's role (\`bot.deployers\` in tranche.yml); deploys never run from forks.`,
  ].join('\n\n');
}

function commandHelp(name: CommandName, prefix: string): string {
  return `\`${prefix}${COMMANDS[name].usage}\`\n\n${COMMANDS[name].summary}`;
}

export function renderParseFailure(failure: ParseFailure, prefix: string): string {
  const usage = failure.command ? `\n\nUsage: \`${prefix}${COMMANDS[failure.command].usage}\`` : '';
  return `😕 ${sentence(failure.message)}${usage}\n\n\`${prefix}help\` lists every command.`;
}

/** Text as a sentence: a capital first, a full stop last unless it ends in one already. */
export function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}
