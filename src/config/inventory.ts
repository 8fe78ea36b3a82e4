/**
 * Dynamic inventory: a component's targets printed by a command or kept in a file, read when a
 * run is planned. The text is a JSON array or NDJSON (one target a line), each target a name or a
 * {name, labels} mapping, validated by the schema's own target schema. A problem names the line
 * (of the file, or of the command's output) and the component's `targets` in tranche.yml.
 *
 * How the text is got (running the command, reading the file) is the adapter's reader's business
 * (exec/inventory-reader.ts): this layer runs nothing.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, type ConfigPath } from './errors.ts';
import type { LoadedConfig } from './load.ts';
import { createLocator } from './locate.ts';
import { humanMessage } from './messages.ts';
import { type ComponentConfig, type InventoryConfig, type TargetConfig, targetSchema } from './schema.ts';

/** The text an inventory gave, or why it gave none (a command that failed, a file not found). */
export type InventoryText = { ok: true; text: string } | { ok: false; problem: string };

/** Runs an inventory command or reads an inventory file; never throws for the inventory's own failure. */
export type InventoryReader = (
  source: InventoryConfig,
  about: { environment: string; component: string },
) => Promise<InventoryText>;

/** Which targets one component's inventory gave, recorded with the run (the `inventory` event). */
export interface InventoryRecord {
  component: string;
  /** `command ./hosts.sh` or `file hosts.ndjson`. */
  source: string;
  targets: TargetConfig[];
}

/** A config whose inventories were read: every component's targets are a list. */
export interface ReadConfig extends LoadedConfig {
  /** What each inventory of the environment gave; empty when its targets are all listed. */
  inventory: InventoryRecord[];
}

/**
 * Reads the inventory of every component of `environment` that has one, and returns the config
 * with their targets in place. Throws ConfigError naming the component's `targets` (and the line
 * of the output or file) when an inventory fails or gives something that is not a list of targets.
 */
export async function readInventories(
  loaded: LoadedConfig,
  environment: string,
  read: InventoryReader,
): Promise<ReadConfig> {
  const settings = Object.hasOwn(loaded.config.environments, environment)
    ? loaded.config.environments[environment]
    : undefined;
  if (!settings || settings.components.every((c) => Array.isArray(c.targets))) {
    return { ...loaded, inventory: [] };
  }
  const inventory: InventoryRecord[] = [];
  const components: ComponentConfig[] = [];
  for (const [index, component] of settings.components.entries()) {
    if (Array.isArray(component.targets)) {
      components.push(component);
      continue;
    }
    const path: ConfigPath = ['environments', environment, 'components', index, 'targets'];
    const source = component.targets;
    const text = await read(source, { environment, component: component.name });
    const where = issueAt(loaded, path, source);
    if (!text.ok) throw new ConfigError([where(text.problem)]);
    const targets = parseInventory(text.text, where);
    inventory.push({ component: component.name, source: sourceText(source), targets });
    components.push({ ...component, targets });
  }
  const environments = { ...loaded.config.environments, [environment]: { ...settings, components } };
  return { ...loaded, config: { ...loaded.config, environments }, inventory };
}

/** `command ./hosts.sh` or `file hosts.ndjson`: where an inventory's targets came from. */
export function sourceText(source: InventoryConfig): string {
  return 'command' in source ? `command ${source.command}` : `file ${source.file}`;
}

type IssueAt = (message: string, line?: number, column?: number) => ConfigIssue;

/** Issues at the component's `targets` in tranche.yml, naming the line of the inventory's text. */
function issueAt(loaded: LoadedConfig, path: ConfigPath, source: InventoryConfig): IssueAt {
  const position = loaded.locate([...path, 'command' in source ? 'command' : 'file']) ?? loaded.locate(path);
  const of =
    'command' in source
      ? `the output of inventory command ${source.command}`
      : `inventory file ${source.file}`;
  return (message, line, column) => ({
    file: loaded.file,
    line: position?.line,
    column: position?.column,
    path,
    message:
      line === undefined
        ? message
        : `${of}, line ${line}${column === undefined ? '' : `:${column}`}: ${message}`,
  });
}

/**
 * The targets of an inventory's text: a JSON array when it starts with `[`, else NDJSON. Names
 * must be unique. Throws ConfigError through `where`, naming the line of the first problem.
 */
export function parseInventory(text: string, where: IssueAt): TargetConfig[] {
  const json = text.trimStart().startsWith('[');
  const items = json ? parseJsonArray(text, where) : parseNdjson(text, where);
  if (items.length === 0) throw new ConfigError([where('the inventory gave no target')]);
  const targets: TargetConfig[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const target = plainTarget(item) ?? validTarget(item);
    if (target instanceof Error) {
      const [issue] = (target as z.ZodError).issues;
      const path = [index, ...((issue?.path ?? []) as (string | number)[])];
      const line = json ? lineOfElement(text, path) : lineOfNdjsonItem(text, index);
      throw new ConfigError([where(issue?.message ?? 'expected a target', line)]);
    }
    targets[index] = target;
  }
  const seen = new Set<string>();
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index] as TargetConfig;
    if (seen.has(target.name)) {
      const line = json ? lineOfElement(text, [index]) : lineOfNdjsonItem(text, index);
      throw new ConfigError([where(`target '${target.name}' is listed more than once`, line)]);
    }
    seen.add(target.name);
  }
  return targets;
}

/** The target as the schema gives it, or the schema's error. */
function validTarget(item: unknown): TargetConfig | z.ZodError {
  const parsed = targetSchema.safeParse(item, { error: humanMessage });
  return parsed.success ? parsed.data : parsed.error;
}

/**
 * The target when the item has the plain shape most inventories print, checked without the
 * schema: a name, or `{name, labels}` (labels optional) whose label values are strings. It gives
 * what targetSchema gives for it (test/config/batch-inventory.test.ts holds them equal); any other
 * item, valid or not, goes through the schema. Validating 100,000 targets through zod alone
 * costs several times parsing their JSON (BENCHMARKS.md).
 */
function plainTarget(item: unknown): TargetConfig | undefined {
  if (typeof item === 'string') return item.length > 0 ? { name: item, labels: {} } : undefined;
  if (typeof item !== 'object' || item === null || Object.getPrototypeOf(item) !== Object.prototype) {
    return undefined;
  }
  let name: unknown;
  let labels: unknown = {};
  for (const key in item) {
    if (key === 'name') name = (item as { name: unknown }).name;
    else if (key === 'labels') labels = (item as { labels: unknown }).labels;
    else return undefined;
  }
  if (typeof name !== 'string' || name.length === 0 || !plainLabels(labels)) return undefined;
  // The labels are the parser's own fresh object: kept, not copied.
  return { name, labels };
}

function plainLabels(labels: unknown): labels is Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Object.getPrototypeOf(labels) !== Object.prototype) {
    return false;
  }
  for (const key in labels) if (typeof (labels as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

function parseJsonArray(text: string, where: IssueAt): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonErrorPosition(text, error);
    throw new ConfigError([where(`invalid JSON: ${(error as Error).message}`, line, column)]);
  }
  if (!Array.isArray(value)) throw new ConfigError([where('expected a JSON array of targets', 1)]);
  return value;
}

function parseNdjson(text: string, where: IssueAt): unknown[] {
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      throw new ConfigError([where(`invalid JSON: ${(error as Error).message}`, i + 1)]);
    }
  }
  return items;
}

/** The 1-based line of the NDJSON text's index-th item (blank lines are skipped). */
function lineOfNdjsonItem(text: string, index: number): number {
  let seen = -1;
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() !== '' && ++seen === index) return i + 1;
  }
  return lines.length;
}

/** The line of a path inside a JSON array: found only on the way to an error, by a parser that keeps positions. */
function lineOfElement(text: string, path: ConfigPath): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return createLocator(doc, lineCounter).value(path)?.line;
}

/** Line and column of a JSON.parse error, from the position its message gives. */
function jsonErrorPosition(text: string, error: unknown): { line?: number; column?: number } {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const at = /position (\d+)/.exec(message);
  if (!at) return { line: 1 };
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return { line, column: Number(at[1]) - before.lastIndexOf('\n') };
}
