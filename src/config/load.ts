/** Reading tranche.yml: YAML with positions, validated by the one schema. */
import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue, type ConfigPath } from './errors.ts';
import { type Finding, findingsOf } from './issues.ts';
import { createLocator, type Locator, type Position } from './locate.ts';
import { humanMessage } from './messages.ts';
import type { TrancheConfig } from './schema.ts';
import { trancheConfigSchema } from './tranche-schema.ts';

export interface LoadedConfig {
  /** The file as it was given. */
  file: string;
  config: TrancheConfig;
  /** Line and column of a path in the file (see Locator.value), for errors and annotations. */
  locate(path: ConfigPath): Position | undefined;
}

/** Reads and validates a tranche.yml, naming it `name` in errors; throws ConfigError listing every problem. */
export async function loadConfig(path: string, name = path): Promise<LoadedConfig> {
  return parseConfig(await readConfigText(path, name), name);
}

async function readConfigText(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'file not found' : `cannot read the file: ${(error as Error).message}`;
    throw new ConfigError([{ file: name, path: [], message }]);
  }
}

/** Validates the text of a tranche.yml; `file` names it in errors. Throws ConfigError. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  // The first syntax error only: the parser's later ones mostly follow from it.
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    const [message] = syntaxError.message.split('\n');
    throw new ConfigError([
      { file, line: Math.max(line, 1), column: col, path: [], message: `invalid YAML: ${message}` },
    ]);
  }

  const locator = createLocator(doc, lineCounter);
  const result = trancheConfigSchema.safeParse(toJs(doc, file), { error: humanMessage, reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      sortByPosition(findingsOf(result.error.issues).map((f) => toIssue(f, file, locator))),
    );
  }
  return { file, config: result.data, locate: locator.value };
}

function toJs(doc: Document, file: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    throw new ConfigError([
      { file, line: 1, column: 1, path: [], message: `invalid YAML: ${(error as Error).message}` },
    ]);
  }
}

function toIssue(finding: Finding, file: string, locator: Locator): ConfigIssue {
  const { path, message, at } = finding;
  const position =
    (at === 'key' ? locator.key(path) : undefined) ??
    locator.nearest(at === 'parent' ? path.slice(0, -1) : path);
  return { file, line: position.line, column: position.column, path, message };
}

function sortByPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.toSorted((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
