/**
 * Counts the GitHub requests one deploy makes, in-process: the real orchestration and Octokit
 * client against nock, with instant fake commands and checks so a 1,000-target fleet takes
 * milliseconds. Shared by the API-budget test and `npm run bench -- action`.
 */
import nock from 'nock';
import { Octokit } from 'octokit';
import { parseConfig } from '../../src/config/load.ts';
import type { Checker, CheckResult, Executor } from '../../src/engine/ports.ts';
import { githubStore } from '../../src/github/deploy-store.ts';
import { deployToGitHub, type GitHubDeployOutcome } from '../../src/github/github-deploy.ts';
import { fleetConfig } from '../action/fleet.ts';
import { FakeClock } from '../support/fake-clock.ts';

const API = 'https://api.github.com';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export interface ApiCallCount {
  /** `METHOD path` of every request. */
  calls: string[];
  batches: number;
  outcome: GitHubDeployOutcome;
}

export interface CountOptions {
  targets: number;
  /** A live deployment of version 1.1 exists. */
  live?: boolean | undefined;
  /** Every check on a target at or past this index fails. */
  failFromTarget?: number | undefined;
}

const instantExecutor: Executor = {
  run: async () => ({
    exitCode: 0,
    signal: null,
    timedOut: false,
    cancelled: false,
    durationMs: 1,
    stdout: '',
    stderr: '',
  }),
};

function checker(failFrom: number): Checker {
  return {
    run: async (spec, context): Promise<CheckResult> => {
      const bad = Number(context.target.name.slice(2)) > failFrom;
      return {
        check: spec.name,
        status: bad ? 'fail' : 'pass',
        value: bad ? 480 : 120,
        threshold: { max: 300 },
        message: bad ? 'value 480 is greater than max 300' : 'ok',
        durationMs: 1,
      };
    },
  };
}

function answer(method: string, path: string, live: boolean): unknown {
  if (method === 'POST' && path.endsWith('/check-runs')) return { id: 7 };
  if (method === 'POST' && path.endsWith('/deployments')) return { id: 9 };
  if (method === 'GET' && path.includes('/deployments?')) {
    return live ? [{ id: 5, sha: SHA, payload: { tranche: { schemaVersion: 1, version: '1.1' } } }] : [];
  }
  if (method === 'GET' && path.includes('/statuses')) return [{ id: 1, state: 'success' }];
  if (method === 'GET' && path.includes('/matching-refs/')) return [];
  return {};
}

export async function countApiCalls(options: CountOptions): Promise<ApiCallCount> {
  const live = options.live ?? false;
  const calls: string[] = [];
  nock.disableNetConnect();
  const scopes = (['GET', 'POST', 'PATCH'] as const).map((method) => {
    const scope = nock(API)
      .persist()
      .intercept(/.*/, method)
      .reply((request: { url: string }) => {
        const url = new URL(request.url);
        const path = `${url.pathname}${url.search}`;
        calls.push(`${method} ${path}`);
        return [
          method === 'POST' ? 201 : 200,
          answer(method, path, live) as nock.Body,
          { 'content-type': 'application/json' },
        ];
      });
    return scope;
  });
  try {
    const loaded = parseConfig(fleetConfig({ targets: options.targets }), 'tranche.yml');
    const client = new Octokit({ auth: 'test', throttle: { enabled: false }, retry: { enabled: false } });
    const repo = { owner: 'acme', repo: 'shop' };
    const outcome = await deployToGitHub({
      client,
      repo,
      sha: SHA,
      loaded,
      configPath: 'tranche.yml',
      cwd: '/',
      environment: 'prod',
      store: githubStore(client, repo),
      dryRun: false,
      signal: new AbortController().signal,
      progress: { event: () => {} },
      baseEnv: {},
      log: { info: () => {}, warning: () => {} },
      ports: {
        executor: instantExecutor,
        checker: checker(options.failFromTarget ?? Number.POSITIVE_INFINITY),
        clock: new FakeClock(),
      },
    });
    const batches =
      outcome.result?.components.reduce(
        (n, c) => n + c.batches.filter((b) => b.status !== 'not_started').length,
        0,
      ) ?? 0;
    return { calls, batches, outcome };
  } finally {
    for (const scope of scopes) scope.persist(false);
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
