/**
 * The layers of ARCHITECTURE (docs/architecture.md), held by reading the import graph of src/ and
 * bot/: no import circles, a pure engine and statistics, and a release layer free of the hosts
 * and the database drivers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  envReads,
  fileImports,
  importCircles,
  packageImports,
  readImportGraph,
} from './support/import-graph.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const graph = readImportGraph(ROOT, ['src', 'bot']);

const under =
  (...dirs: string[]) =>
  (file: string) =>
    dirs.some((dir) => file.startsWith(`${dir}/`));
const packages =
  (...names: string[]) =>
  (specifier: string) =>
    names.some((name) =>
      name.endsWith('/*') ? specifier.startsWith(name.slice(0, -1)) : specifier === name,
    );

/** Hosts, GitHub clients and database drivers: what adapters and storage bring in. */
const IMPURE = packages('@actions/*', 'probot', 'octokit', '@octokit/*', 'pg', 'node:sqlite');

describe('the import graph of src/ and bot/', () => {
  it('holds every module', () => {
    expect(graph.get('src/engine/run-release.ts')?.files).toContain('src/engine/ports.ts');
    expect(graph.get('src/ledger/postgres.ts')?.packages).toContain('pg');
  });

  it('has no import circle', () => {
    expect(importCircles(graph)).toEqual([]);
  });
});

describe('the engine and the statistics', () => {
  const pure = under('src/engine', 'src/stats');

  it('import no host, GitHub client or database driver', () => {
    expect(packageImports(graph, pure, IMPURE)).toEqual([]);
  });

  it('read no process.env', () => {
    expect(envReads(graph, pure)).toEqual([]);
  });

  it('import nothing of the layers above them: the engine only itself and the statistics', () => {
    expect(fileImports(graph, under('src/engine'), under('src/engine', 'src/stats'))).toEqual([]);
  });

  it('import nothing of the layers above them: the statistics only themselves', () => {
    expect(fileImports(graph, under('src/stats'), under('src/stats'))).toEqual([]);
  });
});

describe('the release layer', () => {
  const release = under('src/release');

  it('imports no @actions/*, probot, pg or node:sqlite', () => {
    expect(packageImports(graph, release, packages('@actions/*', 'probot', 'pg', 'node:sqlite'))).toEqual([]);
  });

  it('reads no process.env', () => {
    expect(envReads(graph, release)).toEqual([]);
  });
});

describe('the import graph reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  write('src/a.ts', "import { b } from './b.ts';\nexport const a = b;\n");
  write('src/b.ts', "import type { C } from './lib/c.ts';\nexport const b: C = 1;\n");
  write('src/lib/c.ts', "export type { A } from '../a.ts';\nexport type C = number;\n");
  write(
    'tsconfig.json',
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true } }),
  );
  write(
    'src/d.ts',
    "import pg from 'pg';\nconst url = process.env.URL;\nexport const d = import('../src/a.ts');\n",
  );
  const tree = readImportGraph(dir, ['src']);

  it('finds a circle closed by type-only imports and re-exports', () => {
    expect(importCircles(tree)).toEqual(['src/a.ts → src/b.ts → src/lib/c.ts → src/a.ts']);
  });

  it('finds packages, import() calls and reads of process.env', () => {
    expect(tree.get('src/d.ts')).toEqual({ files: ['src/a.ts'], packages: ['pg'], envReads: [2] });
  });
});
