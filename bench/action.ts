/**
 * The Action's costs: cold start of the bundled dist/index.js to its first log line, and the GitHub
 * requests one deploy makes for 10, 100 and 1,000 targets (the real orchestration and Octokit
 * against nock, with instant fake commands, so only the requests are measured).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countApiCalls } from '../test/github/api-calls.ts';
import { sample, type Table, TIMING_HEADER, timingRow } from './harness.ts';

const BUNDLE = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Milliseconds from spawn until stdout has a line matching the pattern; the process is then killed. */
function untilLine(args: string[], env: Record<string, string>, pattern: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let seen = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!seen && pattern.test(out)) {
        seen = true;
        resolve(performance.now() - start);
        child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('close', () => {
      if (!seen) reject(new Error(`no line matching ${pattern} in: ${out}`));
    });
  });
}

async function coldStart(): Promise<string[][]> {
  const workspace = mkdtempSync(join(tmpdir(), 'tranche-bench-action-'));
  writeFileSync(join(workspace, 'event.json'), '{}');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    'INPUT_GITHUB-TOKEN': 'ghs_bench',
    INPUT_CONFIG: 'tranche.yml',
    INPUT_LEDGER: 'github',
    'INPUT_DRY-RUN': 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(workspace, 'event.json'),
    GITHUB_WORKSPACE: workspace,
    // Nothing listens there: the run never gets further than its first lines.
    GITHUB_API_URL: 'http://127.0.0.1:9',
  };
  try {
    const node = await sample(10, () => untilLine(['-e', 'console.log("up")'], env, /^up$/m));
    const action = await sample(10, () => untilLine([BUNDLE], env, /^tranche: /m));
    return [
      timingRow('node -e, to its first line (the floor)', node, 'ms'),
      timingRow('dist/index.js, to its first log line', action, 'ms'),
    ];
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function apiCalls(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const targets of [10, 100, 1_000]) {
    for (const live of [false, true]) {
      const ok = await countApiCalls({ targets, live });
      rows.push([
        String(targets),
        live ? 'succeeded, a live deployment' : 'succeeded, first deploy',
        String(ok.batches),
        String(ok.calls.length),
      ]);
    }
    const failed = await countApiCalls({ targets, live: true, failFromTarget: Math.floor(targets / 2) });
    rows.push([
      String(targets),
      'rolled back (half the fleet fails)',
      String(failed.batches),
      String(failed.calls.length),
    ]);
  }
  return rows;
}

export async function actionBench(): Promise<Table[]> {
  return [
    {
      title: 'Action cold start',
      header: TIMING_HEADER,
      rows: await coldStart(),
      notes: [
        '- Spawn to the first `tranche: …` line on stdout (after inputs and the run context are read): Node start-up plus loading the 2 MB bundle.',
      ],
    },
    {
      title: 'GitHub API requests per deploy',
      header: ['targets', 'run', 'batches', 'requests'],
      rows: await apiCalls(),
      notes: [
        '- Counted at the HTTP layer (nock) for one deploy with `ledger: github`: 8 + B requests for B batches, +1 to read a live deployment, +1 to make it active again after a rollback, +1 per 50 annotations past the first 50 (docs/action.md, "Rate limits").',
      ],
    },
  ];
}
