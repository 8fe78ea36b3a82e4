/**
 * The bot's GitHub calls on a bad day: a `/deploy to production` from a writer, handled by the bot
 * with Probot's own Octokit (retrying and throttling as in production) against the stateful fake
 * GitHub, with one fault injected at each of its calls in turn (500, a 502 carried out, 503, 429,
 * a secondary rate limit, a connection reset). A delivery the bot does not answer with 2xx is
 * delivered again, as GitHub's redelivery does, and the bot's timer runs once. Then: at most one
 * deployment for the one command, and exactly one when the bot's reply says it is deploying; no
 * second "Deploying" reply; the person gets an answer; every release the ledger keeps active
 * names a deployment GitHub has, and each deployment's version is tagged on its commit.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { ACTIVE_RELEASE_STATES, type ReleaseRecord } from '../../src/ledger/types.ts';
import { type BotServer, startBot } from '../bot/harness/bot-server.ts';
import { resetNetwork, strictNetwork } from '../bot/harness/github-mock.ts';
import { commentPayload, FULL_NAME, HEAD_SHA, TRANCHE_YML } from '../bot/harness/payloads.ts';
import { emptyGitHub, type GitHubState } from './support/fake-github.ts';
import { GITHUB_FAULTS, type GitHubFault } from './support/github-faults.ts';
import { interceptGitHub } from './support/intercept-github.ts';
import { faultCases, tally } from './support/tier.ts';

const API = 'https://api.github.com';
const COMMENT_ID = 7001;

function github(): GitHubState {
  return {
    ...emptyGitHub(),
    tags: { 'refs/tags/tranche/shop/1': HEAD_SHA, 'refs/tags/tranche/shop/2': HEAD_SHA },
    bot: {
      files: { '.github/tranche.yml': TRANCHE_YML },
      roles: { alice: 'write' },
      pulls: { 12: HEAD_SHA },
      comments: [],
      reactions: {},
    },
  };
}

/** What must hold after the command, whatever GitHub did to one of its calls. */
function violations(state: GitHubState, releases: ReleaseRecord[]): string[] {
  const found: string[] = [];
  const deploying = (state.bot?.comments ?? []).filter((c) => c.body.includes('**Deploying**'));
  if (state.deployments.length > 1) found.push(`${state.deployments.length} deployments for one command`);
  if (deploying.length > 1) found.push(`${deploying.length} "Deploying" replies`);
  if (deploying.length === 1 && state.deployments.length === 0)
    found.push('a reply says "Deploying" and there is no deployment');
  if ((state.bot?.comments ?? []).length === 0) found.push('no reply to the command');
  for (const release of releases.filter((r) =>
    (ACTIVE_RELEASE_STATES as readonly string[]).includes(r.state),
  )) {
    if (!state.deployments.some((d) => d.id === release.deploymentId))
      found.push(`release ${release.id} is ${release.state} with no deployment on GitHub`);
  }
  for (const deployment of state.deployments) {
    const version = (deployment.payload as { tranche?: { version?: string } }).tranche?.version;
    if (state.tags[`refs/tags/tranche/shop/${version}`] !== deployment.sha)
      found.push(`deployment ${deployment.id} deploys ${version}, which is not tagged on its commit`);
  }
  return found;
}

/** The requests of a clean command, to number the call sites. */
const CALLS = [
  'POST /app/installations/42/access_tokens',
  'GET /repos/acme/shop/contents/.github%2Ftranche.yml',
  'POST /repos/acme/shop/issues/comments/7001/reactions',
  'GET /repos/acme/shop/collaborators/alice/permission',
  'GET /repos/acme/shop/pulls/12',
  'GET /repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fshop%2F',
  'POST /repos/acme/shop/git/refs',
  'POST /repos/acme/shop/issues/12/comments',
  'POST /repos/acme/shop/deployments',
];

const counted = tally('bot × GitHub');
afterAll(() => counted.report());

describe('a /deploy command while GitHub fails once', () => {
  let ledger: SqliteLedger;
  let bot: BotServer;

  beforeEach(async () => {
    strictNetwork();
    ledger = await SqliteLedger.open(':memory:');
    bot = await startBot({ ledger, productionOctokit: true });
  });

  afterEach(async () => {
    await bot.close();
    await ledger.close();
    resetNetwork();
  });

  async function command(state: GitHubState, fault: { at: number | null; kind: GitHubFault }) {
    const g = interceptGitHub(API, state, fault);
    const payload = commentPayload({ body: '/deploy to production', commentId: COMMENT_ID });
    const first = await bot.deliver('issue_comment', payload);
    if (first.status >= 300) await bot.deliver('issue_comment', payload, { id: first.id });
    await bot.bot.sweep();
    return {
      requests: g.requests,
      unmatched: g.unmatched,
      releases: await ledger.releases({ repo: FULL_NAME }),
    };
  }

  it('makes the calls the sites are numbered by, and deploys once', async () => {
    const state = github();
    const { requests, unmatched, releases } = await command(state, { at: null, kind: '500' });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(CALLS);
    expect(unmatched).toEqual([]);
    expect(violations(state, releases)).toEqual([]);
    expect(state.deployments).toHaveLength(1);
  });

  it.each(faultCases(CALLS.length, GITHUB_FAULTS))(
    'call %i failing with %s: one deployment at most, one reply, the ledger and GitHub agree',
    async (at, kind) => {
      const state = github();
      const { unmatched, releases } = await command(state, { at, kind });
      const found = violations(state, releases);
      counted.add(found);
      expect(unmatched).toEqual([]);
      expect(found).toEqual([]);
    },
    120_000,
  );
});
