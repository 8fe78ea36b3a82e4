/**
 * Regenerates schema/tranche.schema.json and the configuration reference in docs/configuration.md
 * from the zod schema. `--check` writes nothing and exits 1 when either is stale.
 *
 *   node src/config/write-schema.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildJsonSchema, renderJsonSchema } from './json-schema.ts';
import {
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
  replaceReferenceSection,
} from './reference.ts';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema/tranche.schema.json', import.meta.url));
const REFERENCE_FILE = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

interface Output {
  label: string;
  file: string;
  current: string | undefined;
  expected: string;
}

function readOptional(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function expectedReferencePage(current: string | undefined): string {
  const reference = renderConfigReference(buildJsonSchema());
  const page = current ?? `# Configuration: \`tranche.yml\`\n\n${REFERENCE_START}\n${REFERENCE_END}\n`;
  const withMarkers = page.includes(REFERENCE_START)
    ? page
    : `${page.trimEnd()}\n\n${REFERENCE_START}\n${REFERENCE_END}\n`;
  return replaceReferenceSection(withMarkers, reference);
}

function outputs(): Output[] {
  const page = readOptional(REFERENCE_FILE);
  return [
    {
      label: 'schema/tranche.schema.json',
      file: SCHEMA_FILE,
      current: readOptional(SCHEMA_FILE),
      expected: renderJsonSchema(),
    },
    {
      label: 'the configuration reference in docs/configuration.md',
      file: REFERENCE_FILE,
      current: page,
      expected: expectedReferencePage(page),
    },
  ];
}

const stale = outputs().filter((output) => output.current !== output.expected);
if (process.argv.includes('--check')) {
  for (const output of stale) {
    console.error(
      `${output.label} is out of date with src/config/schema.ts; run \`npm run schema\` and commit the result.`,
    );
  }
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  for (const output of stale) {
    writeFileSync(output.file, output.expected);
    console.log(`wrote ${output.label}`);
  }
}
