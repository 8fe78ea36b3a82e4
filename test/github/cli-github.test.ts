import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleet, fleetConfig } from '../action/fleet.ts';
import type { Interaction, Recording } from '../action/harness/scenario.ts';
import { gh, reports, SHA } from '../action/harness/scenario.ts';
import { type CliRun, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { withLedgerAt } from '../support/ledgers.ts';

const PRELOAD = fileURLToPath(new URL('../action/harness/preload.ts', import.meta.url));
const TOKEN = 'ghp_clitoken0123456789abcdefABCDEF';
const R = '/repos/acme/shop';

/** The real CLI as its own process, GitHub's API played by nock inside it. */
async function cliAgainstGitHub(cwd: string, args: string[], interactions: Interaction[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-cli-github-'));
  try {
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(interactions));
    const run: CliRun = await runCli(args, {
      cwd,
      env: {
        NODE_OPTIONS: `--import=${PRELOAD}`,
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: 'https://api.github.com',
        CI_JOB_URL: 'https://ci.example.test/jobs/17',
        TRANCHE_TEST_SCENARIO: join(dir, 'scenario.json'),
        TRANCHE_TEST_RECORD: join(dir, 'record.json'),
      },
    });
    const recording = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as Recording;
    return { ...run, recording };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tranche deploy --github owner/repo', () => {
  let f: ReturnType<typeof fleet>;
  let run: Awaited<ReturnType<typeof cliAgainstGitHub>>;
  beforeAll(async () => {
    f = fleet({
      'tranche.yml': fleetConfig({ url: 'https://{version}.prod.example.com' }),
      'deploy.sh': `${RECORDING_DEPLOY}printf '%s\\n' "\${GITHUB_TOKEN-withheld}" > state/token-seen\n`,
    });
    run = await cliAgainstGitHub(
      f.dir,
      ['deploy', '--github', 'acme/shop', '--commit', SHA, '--json'],
      [
        gh.createCheckRun(7),
        gh.listDeployments('prod', [{ id: 5, version: '1.0' }]),
        gh.listStatuses(5, 'success'),
        gh.createDeployment(9),
        ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
        gh.createStatus(5),
      ],
    );
  });
  afterAll(() => f.dispose());

  it('deploys with the version from its own ledger and reports the same check run and deployment statuses', () => {
    expect(run.code).toBe(0);
    expect(run.recording.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/deployments?environment=prod&per_page=100`,
      `GET ${R}/deployments/5/statuses?per_page=1`,
      `POST ${R}/deployments`,
      `POST ${R}/deployments/9/statuses`,
      `PATCH ${R}/check-runs/7`,
      `PATCH ${R}/check-runs/7`,
      `PATCH ${R}/check-runs/7`,
      `POST ${R}/deployments/9/statuses`,
      `POST ${R}/deployments/5/statuses`,
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: '1.1', decision: 'succeeded' });
    expect(run.recording.unmatched).toEqual([]);
    expect(run.recording.pending).toEqual([]);
  });

  it('links the statuses to the CI job’s log, and the success to the version’s address', () => {
    const statuses = run.recording.requests.filter((r) => r.path.endsWith('/9/statuses')).map((r) => r.body);
    expect(statuses).toMatchObject([
      { state: 'in_progress', log_url: 'https://ci.example.test/jobs/17' },
      {
        state: 'success',
        log_url: 'https://ci.example.test/jobs/17',
        environment_url: 'https://1.1.prod.example.com',
      },
    ]);
    expect(statuses[0]).not.toHaveProperty('environment_url');
  });

  it('marks the deployment that was live inactive once the new one succeeded', () => {
    const statuses = run.recording.requests.filter((r) => r.path.endsWith('/5/statuses')).map((r) => r.body);
    expect(statuses).toEqual([{ state: 'inactive', description: 'superseded by 1.1' }]);
  });

  it('withholds the token it used from the deploy commands', () => {
    expect(f.read('state/token-seen')).toBe('withheld\n');
  });

  it('never prints the token', () => {
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  });
});

describe('tranche deploy --github --allow-dirty in a work tree with uncommitted changes', () => {
  let f: ReturnType<typeof fleet>;
  beforeAll(() => {
    f = fleet({ '.gitignore': '.tranche/\nstate/\n' });
  });
  afterAll(() => f.dispose());

  it('records with the run that the work tree was dirty, as a deploy without --github does', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: f.dir });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'init');
    writeFileSync(join(f.dir, 'migrate.sh'), '#!/bin/sh\n');
    const run = await cliAgainstGitHub(
      f.dir,
      ['deploy', '--github', 'acme/shop', '--allow-dirty', '--json'],
      [
        gh.createCheckRun(7),
        gh.listDeployments('prod', []),
        gh.createDeployment(9),
        ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
      ],
    );
    expect(run.code, run.stderr).toBe(0);
    const started = await withLedgerAt(join(f.dir, '.tranche', 'ledger.db'), async (l) =>
      (await l.events({})).filter((e) => e.kind === 'run_started').map((e) => e.data),
    );
    expect(started).toEqual([expect.objectContaining({ dirty: true })]);
  });
});

describe('tranche deploy --github, used wrongly', () => {
  let f: ReturnType<typeof fleet>;
  beforeAll(() => {
    f = fleet();
  });
  afterAll(() => f.dispose());

  it('names the argument when it is not owner/repo, and calls nothing', async () => {
    const run = await cliAgainstGitHub(f.dir, ['deploy', '--github', 'acme', '--commit', SHA], []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--github acme: expected owner/repo');
    expect(run.recording.requests).toEqual([]);
  });

  it('asks for GITHUB_TOKEN when it is missing', async () => {
    const run = await runCli(['deploy', '--github', 'acme/shop', '--commit', SHA], {
      cwd: f.dir,
      env: { GITHUB_TOKEN: '' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GITHUB_TOKEN');
  });
});
