/** The JSON Schema of tranche.yml (for editors and yaml-language-server), derived from the zod schema. */
import { z } from 'zod';
import { trancheConfigSchema } from './tranche-schema.ts';

export type JsonSchema = { [key: string]: unknown };

/**
 * Where editors fetch the schema from a user's repository: the committed file at the Action's
 * major-version tag, which each release moves, so it describes the tranche.yml that release reads.
 */
export const SCHEMA_ID =
  'https://raw.githubusercontent.com/tranche-dev/tranche/v1/schema/tranche.schema.json';

/** The input side of the schema: what a person may write, so keys with defaults are optional. */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(trancheConfigSchema, {
    io: 'input',
    target: 'draft-2020-12',
  }) as JsonSchema;
  const { $schema, title, description, ...rest } = withoutSafeIntegerLimits(generated) as JsonSchema;
  return { $schema, $id: SCHEMA_ID, title, description, ...rest };
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

/** zod spells out Number.MAX_SAFE_INTEGER as the maximum of every integer; that is noise to readers. */
function withoutSafeIntegerLimits(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerLimits);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(
    ([key, item]) =>
      !(key === 'maximum' && item === Number.MAX_SAFE_INTEGER) &&
      !(key === 'minimum' && item === Number.MIN_SAFE_INTEGER),
  );
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutSafeIntegerLimits(item)]));
}
