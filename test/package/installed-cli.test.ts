/**
 * The npm package as a user gets it: packed, installed into a prefix of its own, and run on a git
 * repository of its own. The package has no runtime dependencies (dist/cli.js bundles them), so
 * installing it from the tarball needs no registry: `--offline` holds the test to that.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_NODE_MAJOR } from '../../src/cli/node-version.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};

// Packing copies 2 MB and installing unpacks it: seconds of work, given minutes on a loaded machine.
const INSTALL_TIMEOUT_MS = 180_000;

const CONFIG = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [a, b, c]
        deploy: 'echo "$TRANCHE_TARGET $TRANCHE_VERSION"'
`;

/** The environment without npm's own variables (a test run under `npm test` inherits them) or a ledger location. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key)) continue;
    if (['TRANCHE_LEDGER', 'DATABASE_URL'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Node.js executables on PATH older than the CLI needs, outside node_modules (the machine's own). */
function olderNodes(): string[] {
  const dirs = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.includes('node_modules'));
  return [
    ...new Set(
      dirs
        .map((dir) => join(dir, 'node'))
        .filter(isExecutable)
        .map((node) => realpathSync(node)),
    ),
  ].filter((node) => {
    try {
      const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      return Number.parseInt(version, 10) < REQUIRED_NODE_MAJOR;
    } catch {
      return false;
    }
  });
}

let tmp = '';
let bin = '';
let packedFiles: string[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tranche-package-'));
  const env = cleanEnv({ HOME: tmp });
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  const [tarball] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  if (!tarball) throw new Error(`npm pack printed no package: ${packed}`);
  packedFiles = tarball.files.map((file) => file.path).sort();
  const prefix = join(tmp, 'prefix');
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      join(tmp, tarball.filename),
    ],
    { cwd: tmp, env, stdio: 'pipe' },
  );
  bin = join(prefix, 'bin', 'tranche');
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** Runs the installed `tranche` as a shell would find it, with the Node that runs the tests first on PATH. */
function tranche(args: string[], cwd: string) {
  const path = [dirname(bin), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const result = spawnSync('tranche', args, {
    cwd,
    env: cleanEnv({ PATH: path, HOME: tmp, CI: 'true' }),
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the npm package', () => {
  it('holds the launcher, the bundled CLI, the README, the pages and files it links to, the licence and the manifest, and depends on nothing', () => {
    const docs = readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`);
    const schema = readdirSync(join(ROOT, 'schema')).map((name) => `schema/${name}`);
    const examples = ['workflows', 'ansible-inventory'].flatMap((dir) =>
      readdirSync(join(ROOT, 'examples', dir)).map((name) => `examples/${dir}/${name}`),
    );
    expect(packedFiles).toEqual(
      [
        'BENCHMARKS.md',
        'LICENSE',
        'README.md',
        'RELIABILITY.md',
        'dist/cli.js',
        'dist/tranche.js',
        ...docs,
        ...examples,
        'package.json',
        ...schema,
      ].sort(),
    );
    const installed = JSON.parse(
      readFileSync(join(dirname(bin), '..', 'lib', 'node_modules', 'tranche', 'package.json'), 'utf8'),
    );
    expect(installed.dependencies).toBeUndefined();
    expect(installed.bin).toEqual({ tranche: 'dist/tranche.js' });
  });

  it('holds what its pages link to: a page read from node_modules has no link into the repository alone', () => {
    const pages = packedFiles.filter((file) => file.endsWith('.md'));
    const links = pages.flatMap((page) =>
      [...readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)]
        .map((match) => match[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => ({ page, path: posix.join(posix.dirname(page), target).replace(/\/$/, '') })),
    );
    expect(links.length).toBeGreaterThan(20);
    const outside = links.filter(
      ({ path }) => !packedFiles.some((file) => file === path || file.startsWith(`${path}/`)),
    );
    expect(outside).toEqual([]);
  });

  it('asks for the Node.js its engines field names', () => {
    expect(manifest.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`);
  });

  describe('installed globally', () => {
    it('prints its version with --version', () => {
      const { code, stdout } = tranche(['--version'], tmp);
      expect(code).toBe(0);
      expect(stdout).toBe(`${manifest.version}\n`);
    });

    const older = olderNodes();
    it.skipIf(older.length === 0)(
      `refuses an older Node.js in one line, naming the version it needs (${older.join(', ') || 'none on PATH'})`,
      () => {
        for (const node of older) {
          const result = spawnSync(node, [bin, '--version'], { cwd: tmp, encoding: 'utf8' });
          expect(result.status, node).toBe(1);
          expect(result.stdout).toBe('');
          expect(result.stderr).toMatch(
            new RegExp(
              `^tranche needs Node\\.js ${REQUIRED_NODE_MAJOR} or newer, and this is Node\\.js \\d+\\.\\d+\\.\\d+: [^\\n]+\\n$`,
            ),
          );
        }
      },
    );

    describe('in a git repository of its own, from a subdirectory', () => {
      let repo = '';
      beforeAll(() => {
        repo = join(tmp, 'repo');
        mkdirSync(join(repo, 'src'), { recursive: true });
        writeFileSync(join(repo, 'tranche.yml'), CONFIG);
        writeFileSync(join(repo, 'src', 'app.txt'), 'the app\n');
        const git = (...args: string[]) =>
          execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
            cwd: repo,
          });
        git('init', '-q');
        git('add', '-A');
        git('commit', '-qm', 'init');
      });

      it('plans the rollout', () => {
        const { code, stdout, stderr } = tranche(['plan'], join(repo, 'src'));
        expect(code, stderr).toBe(0);
        expect(stdout).toContain('batch 2: 2 target(s): b, c');
      });

      it('deploys twice in a row with the default ledger, without --allow-dirty', () => {
        const first = tranche(['deploy', '--json'], join(repo, 'src'));
        const second = tranche(['deploy', '--json'], join(repo, 'src'));
        expect(first.code, first.stderr).toBe(0);
        expect(second.code, second.stderr).toBe(0);
        expect(JSON.parse(first.stdout)).toMatchObject({ version: '1', decision: 'succeeded' });
        expect(JSON.parse(second.stdout)).toMatchObject({
          version: '2',
          previousVersion: '1',
          decision: 'succeeded',
        });
        expect(first.stderr).toContain(`created the ledger ${join(repo, '.tranche', 'ledger.db')}`);
      });
    });
  });
});
