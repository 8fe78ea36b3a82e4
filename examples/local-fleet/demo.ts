/**
 * `npm run demo`: start a local fleet of ten targets, deploy a good version through the real CLI
 * (real shell deploy scripts, real HTTP and command checks, the embedded ledger beside tranche.yml),
 * then a version that is slow on gcp targets: the canary (aws) passes, batch 2 reaches a gcp
 * target, the latency check fails and every touched target is rolled back. Exits non-zero if
 * either deploy ends differently; cleans up every process and file it made but the ledger (for
 * `tranche dashboard`), also when stopped by SIGINT or SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Fleet, startFleet } from './fleet.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const config = join(here, 'tranche.yml');
const state = mkdtempSync(join(tmpdir(), 'tranche-demo-'));
// The ledger outlives the demo (the default one beside its config, unless DEMO_LEDGER moves it),
// so `tranche dashboard` shows what it did; each run starts it afresh.
const ledger = process.env.DEMO_LEDGER ?? join(here, '.tranche', 'ledger.db');
for (const file of [ledger, `${ledger}-wal`, `${ledger}-shm`]) rmSync(file, { force: true });
mkdirSync(dirname(ledger), { recursive: true });
const common = ['--config', config, '--environment', 'demo', '--ledger', ledger];

/** The signal that stopped the demo, and the CLI process running now (if any). */
let stoppedBy: string | undefined;
let running: ChildProcess | undefined;

function tranche(args: string[], capture = false): Promise<{ code: number; stdout: string }> {
  if (stoppedBy !== undefined) return Promise.reject(new Error(`stopped by ${stoppedBy}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, DEMO_STATE: state },
    });
    running = child;
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      running = undefined;
      if (stoppedBy !== undefined) reject(new Error(`stopped by ${stoppedBy}`));
      else resolve({ code: code ?? 1, stdout });
    });
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

// Ctrl-C reaches the CLI too (the terminal signals the whole process group); SIGTERM may reach the
// demo alone. Either way the CLI gets the signal, rolls back and exits; the demo then stops and
// cleans up.
function stop(signal: NodeJS.Signals): void {
  stoppedBy ??= signal;
  running?.kill(signal);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
let fleet: Fleet | undefined;
try {
  fleet = await startFleet(config, state);
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
  console.log(
    `See it on a page: npm run tranche -- dashboard --config ${config}${process.env.DEMO_LEDGER ? ` --ledger ${ledger}` : ''}`,
  );
} catch (error) {
  console.error(
    stoppedBy === undefined
      ? `demo failed: ${error instanceof Error ? error.message : String(error)}`
      : `demo stopped by ${stoppedBy}: cleaning up`,
  );
  process.exitCode = 1;
} finally {
  await fleet?.close();
  rmSync(state, { recursive: true, force: true });
}
