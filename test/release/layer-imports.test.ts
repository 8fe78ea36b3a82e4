/**
 * The release layer decides, and only decides: it talks to ports, so no file in it may reach a
 * host (the Action, Probot), a database driver or the process's environment, nor an adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYER = join(import.meta.dirname, '../../src/release');
const FORBIDDEN_MODULES = [/^@actions\//, /^probot$/, /^@octokit\//, /^pg$/, /^node:sqlite$/];
const FORBIDDEN_PATHS = [/\/cli\//, /\/action\//, /\/github\//, /\/bot\//, /\/ledger\/(sql|sqlite|postgres)/];

const files = readdirSync(LAYER).filter((name) => name.endsWith('.ts'));

function imports(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] ?? '');
}

describe('the release layer', () => {
  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (name) => {
    const source = readFileSync(join(LAYER, name), 'utf8');

    it('imports no host, driver or adapter module', () => {
      const bad = imports(source).filter(
        (spec) =>
          FORBIDDEN_MODULES.some((re) => re.test(spec)) || FORBIDDEN_PATHS.some((re) => re.test(spec)),
      );
      expect(bad).toEqual([]);
    });

    it('reads no process.env', () => {
      expect(source).not.toMatch(/process\.env/);
    });
  });
});
