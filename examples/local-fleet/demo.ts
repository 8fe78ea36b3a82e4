/**
 * `npm run demo`: start a local fleet of ten targets, deploy a good version through the real CLI
 * (real shell deploy scripts, real HTTP and command checks, an embedded ledger in a temp dir),
 * then a version that is slow on gcp targets: the canary (aws) passes, batch 2 reaches a gcp
 * target, the latency check fails and every touched target is rolled back. Exits non-zero if
 * either deploy ends differently; cleans up every process and file it made.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFleet } from './fleet.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const config = join(here, 'tranche.yml');
const state = mkdtempSync(join(tmpdir(), 'tranche-demo-'));
const common = ['--config', config, '--environment', 'demo', '--ledger', join(state, 'ledger.db')];

function tranche(args: string[], capture = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, DEMO_STATE: state },
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/** "Build" a version: the artifact the deploy script installs. */
function build(version: string, release: { slowOn?: string[] }): void {
  mkdirSync(join(state, 'builds'), { recursive: true });
  writeFileSync(join(state, 'builds', `${version}.json`), `${JSON.stringify(release)}\n`);
}

async function release(title: string, artifact: { slowOn?: string[] }, expected: number): Promise<void> {
  const { stdout } = await tranche(['version', 'next', ...common], true);
  const version = stdout.trim();
  build(version, artifact);
  console.log(`\n━━ ${title}: ${version} ━━\n`);
  // --allow-dirty: the demo runs from a work tree you may be editing; real deploys refuse that.
  const { code } = await tranche(['deploy', '--version', version, '--allow-dirty', ...common]);
  if (code !== expected) throw new Error(`deploy of ${version} exited ${code}, expected ${expected}`);
}

// Ctrl-C reaches the CLI too: it rolls back and exits; the demo then cleans up.
process.on('SIGINT', () => undefined);
const fleet = await startFleet(config, state);
try {
  await release('1/2 a good version', {}, 0);
  await release('2/2 a version that is slow on gcp', { slowOn: ['gcp'] }, 1);
  console.log('\n━━ what the ledger knows ━━\n');
  await tranche(['status', ...common]);
  console.log('');
  await tranche(['history', ...common]);
  console.log('');
  await tranche(['stats', ...common]);
  console.log(
    '\nDemo done: the good version is live everywhere again; the slow one was caught and rolled back.',
  );
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await fleet.close();
  rmSync(state, { recursive: true, force: true });
}
