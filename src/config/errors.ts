/** What goes wrong reading tranche.yml, in a form people and annotations can point at. */

export type ConfigPath = (string | number)[];

export interface ConfigIssue {
  /** The file as it was given. */
  file: string;
  /** 1-based; absent when the problem is the file itself (missing, unreadable). */
  line?: number | undefined;
  column?: number | undefined;
  /** Where in the document, e.g. ['environments', 'production', 'components', 0, 'deploy']. */
  path: ConfigPath;
  message: string;
}

/** Invalid or unreadable configuration; the message lists every issue, one per line. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const clipped = issues.map((issue) => ({ ...issue, message: clipMessage(issue.message) }));
    super(clipped.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = clipped;
  }
}

/** An environment the configuration does not define. */
export class UnknownEnvironmentError extends Error {
  readonly environment: string;
  readonly known: string[];

  constructor(environment: string, known: string[]) {
    super(`environment '${environment}' is not defined; known environments: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownEnvironmentError';
    this.environment = environment;
    this.known = known;
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;
const LONG_WORD = 120;
const LONG_WORDS = new RegExp(`\\S{${LONG_WORD + 1},}`, 'g');

const LONG_MESSAGE = 500;

/** A message that echoes a long value, within a few lines: see clipLongWords. */
function clipMessage(message: string): string {
  return clip(clipLongWords(message), LONG_MESSAGE);
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;
}

/**
 * An error echoes keys and values from the file; one of thousands of characters is shown by its
 * start and its length, so the error stays readable in a terminal and fits an annotation.
 */
export function clipLongWords(text: string): string {
  return text.replace(LONG_WORDS, (word) => clip(word, LONG_WORD));
}

/** `environments.production.components[0].rollout.growth`; keys with other characters are quoted. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const whole of path) {
    const segment = typeof whole === 'string' ? clip(whole, LONG_WORD) : whole;
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `tranche.yml:14:9 environments.production.components[0].rollout.growth: expected a number ≥ 1` */
export function formatIssue(issue: ConfigIssue): string {
  const position = issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`;
  const path = formatPath(issue.path);
  return `${issue.file}${position}${path === '' ? '' : ` ${path}`}: ${issue.message}`;
}
