import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, renderJsonSchema, SCHEMA_ID } from '../../src/config/json-schema.ts';
import {
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
  replaceReferenceSection,
} from '../../src/config/reference.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');

function referenceSection(page: string): string {
  const start = page.indexOf(REFERENCE_START) + REFERENCE_START.length;
  return page.slice(start, page.indexOf(REFERENCE_END)).trim();
}

describe('generated schema files', () => {
  describe('freshness', () => {
    it('schema/tranche.schema.json is what the generator writes now', () => {
      expect(read('schema/tranche.schema.json')).toBe(renderJsonSchema());
    });

    it('the reference section of docs/configuration.md is what the generator writes now', () => {
      expect(referenceSection(read('docs/configuration.md'))).toBe(
        renderConfigReference(buildJsonSchema()).trim(),
      );
    });

    it('write-schema --check exits 0 on the committed files', () => {
      const result = spawnSync(process.execPath, ['src/config/write-schema.ts', '--check'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  });

  describe('the JSON Schema', () => {
    const schema = buildJsonSchema();

    it('names its dialect, its address and its title first', () => {
      expect(Object.keys(schema).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(SCHEMA_ID);
      expect(schema.title).toBe('tranche.yml');
    });

    it('has the address the committed file is served from at the v1 tag', () => {
      expect(SCHEMA_ID).toBe(
        'https://raw.githubusercontent.com/tranche-dev/tranche/v1/schema/tranche.schema.json',
      );
    });

    it('is the schema the docs tell editors to load, in the file and in VS Code settings', () => {
      const page = read('docs/configuration.md');
      expect(page).toContain(`# yaml-language-server: $schema=${SCHEMA_ID}`);
      expect(page).toContain(`"yaml.schemas": {\n      "${SCHEMA_ID}": [`);
      expect(read('README.md')).toContain(`# yaml-language-server: $schema=${SCHEMA_ID}`);
    });

    it('describes the input side: keys with defaults are optional', () => {
      expect(schema.required).toEqual(['service', 'environments']);
    });

    it('refuses unknown top-level keys', () => {
      expect(schema.additionalProperties).toBe(false);
    });

    it('is the same on every run', () => {
      expect(renderJsonSchema()).toBe(renderJsonSchema());
    });
  });

  describe('the configuration reference', () => {
    const reference = renderConfigReference(buildJsonSchema());

    it('has a table per section of the file', () => {
      for (const heading of [
        '### Top level',
        '### `environments.<name>`',
        '### `environments.<name>.components[]`',
        '### `environments.<name>.components[].targets[]`',
        '### `environments.<name>.components[].rollout`',
        '### `checks.<name>` (HTTP check)',
        '### `checks.<name>.http`',
        '### `checks.<name>` (command check)',
      ]) {
        expect(reference).toContain(`${heading}\n\n| Key | Type | Default | Description |`);
      }
    });

    it('shows the key path, type, default and description of a key', () => {
      expect(reference).toContain(
        '| `environments.<name>.components[].rollout.growth` | number ≥ 1 | `2` | Each later batch is the previous one times growth, rounded up. |',
      );
    });

    it('marks required keys and shows durations as written', () => {
      expect(reference).toContain('| `service` | string | required |');
      expect(reference).toContain('| `environments.<name>.components[].timeout` | duration | `5m` |');
    });
  });

  describe('replaceReferenceSection', () => {
    it('replaces only the text between the markers', () => {
      const page = `# Tranche\n\nintro\n\n${REFERENCE_START}\nold\n${REFERENCE_END}\n\noutro\n`;
      expect(replaceReferenceSection(page, 'new')).toBe(
        `# Tranche\n\nintro\n\n${REFERENCE_START}\nnew\n${REFERENCE_END}\n\noutro\n`,
      );
    });

    it('refuses a page without the markers', () => {
      expect(() => replaceReferenceSection('# Configuration\n', 'new')).toThrow('lacks the markers');
    });
  });
});
