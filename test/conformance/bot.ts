/**
 * The bot as the conformance suite's front door: a Probot instance behind its HTTP server on the
 * scenario's ledger, a comment's command delivered as a signed webhook, GitHub played by nock.
 * The version tags answer for the versions the ledger numbered. The decision is read from the
 * deployments the bot created and the reply it wrote.
 */
import nock from 'nock';
import { openLedger } from '../../src/ledger/open.ts';
import { type BotServer, startBot } from '../bot/harness/bot-server.ts';
import { API, contentsPath, resetNetwork, strictNetwork } from '../bot/harness/github-mock.ts';
import { commentPayload, HTML_URL, INSTALLATION_ID } from '../bot/harness/payloads.ts';
import { refusalIn } from './decisions.ts';
import {
  COMMIT,
  type Decision,
  ENVIRONMENT,
  REPOSITORY,
  type ReleaseRequest,
  type Scenario,
  SEEDED_AT,
  SERVICE,
  trancheYml,
} from './scenarios.ts';

/** The bot decides a day after the seeded history. */
const DECIDED_AT = SEEDED_AT + 24 * 3_600_000;
const R = `/repos/${REPOSITORY}`;

interface Writes {
  deployments: { environment: string; payload: { tranche: { version: string; rollback: boolean } } }[];
  comments: string[];
  unplanned: string[];
}

export async function botDecision(scenario: Scenario, location: string): Promise<Decision> {
  const ledger = await openLedger(location, '/');
  let server: BotServer | undefined;
  strictNetwork();
  try {
    const writes = github(scenario);
    server = await startBot({ ledger, now: () => DECIDED_AT });
    const delivery = await server.deliver(
      'issue_comment',
      commentPayload({ body: command(scenario.request) }),
    );
    if (delivery.status !== 200)
      throw new Error(`the bot answered ${delivery.status}: ${delivery.body}\n${server.logs.join('\n')}`);
    if (writes.unplanned.length > 0)
      throw new Error(`unplanned GitHub requests: ${writes.unplanned.join(', ')}`);
    return decisionOf(scenario.request, writes);
  } finally {
    await server?.close();
    await ledger.close();
    resetNetwork();
  }
}

function command(request: ReleaseRequest): string {
  switch (request.kind) {
    case 'rollback':
      return `/rollback ${ENVIRONMENT}`;
    case 'deploy':
      return `/deploy ${ENVIRONMENT} ${request.version}`;
    case 'status':
      return '/status';
    case 'mark-bad':
      return `/mark-bad ${request.version} corrupts carts`;
  }
}

function decisionOf(request: ReleaseRequest, writes: Writes): Decision {
  const reply = writes.comments.join('\n');
  const created = writes.deployments.map((d) => ({ environment: d.environment, ...d.payload.tranche }));
  switch (request.kind) {
    case 'rollback': {
      const [rollback] = created;
      if (rollback?.rollback) return { kind: 'rollback', to: rollback.version };
      if (reply.includes('no earlier good version')) return { kind: 'no-rollback' };
      break;
    }
    case 'deploy': {
      const [deploy] = created;
      if (deploy && !deploy.rollback) return { kind: 'deploy', version: deploy.version };
      const refused = refusalIn(reply);
      if (refused) return refused;
      break;
    }
    case 'status': {
      const live = new RegExp(`\\*\\*${ENVIRONMENT}\\*\\*[^\\n]*?\`([^\`]+)\``).exec(reply);
      if (live) return { kind: 'live', version: live[1] ?? null };
      if (reply.includes('No deployments recorded yet') || reply.includes('no live version'))
        return { kind: 'live', version: null };
      break;
    }
    case 'mark-bad':
      return {
        kind: 'rollbacks',
        to: Object.fromEntries(created.filter((d) => d.rollback).map((d) => [d.environment, d.version])),
      };
  }
  throw new Error(`the bot's answer is none the suite knows: ${reply}`);
}

/** GitHub for one delivery: every read answered as often as asked, every write kept. */
function github(scenario: Scenario): Writes {
  const writes: Writes = { deployments: [], comments: [], unplanned: [] };
  const yaml = trancheYml(scenario);
  const known = (version: string) => Number(version) >= 1 && Number(version) <= scenario.seed.versions;
  const tag = (version: string) => ({
    ref: `refs/tags/tranche/${SERVICE}/${version}`,
    object: { sha: COMMIT, type: 'commit' },
  });
  nock(API)
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    })
    .get(`${R}/installation`)
    .reply(200, { id: INSTALLATION_ID, account: { login: 'acme' } })
    .get(`${R}/contents/${contentsPath('.github/tranche.yml')}`)
    .reply(200, {
      type: 'file',
      encoding: 'base64',
      content: Buffer.from(yaml).toString('base64'),
    })
    .post(/\/issues\/comments\/\d+\/reactions$/)
    .reply(201, { id: 1, content: 'eyes' })
    .get(/\/collaborators\/[^/]+\/permission$/)
    .reply(200, { permission: 'admin', role_name: 'admin', user: { login: 'alice' } })
    .get(`${R}/pulls/12`)
    .reply(200, {
      number: 12,
      state: 'open',
      head: { sha: COMMIT, ref: 'feature', repo: { full_name: REPOSITORY } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: REPOSITORY } },
    })
    .get(`${R}/git/matching-refs/${encodeURIComponent(`tags/tranche/${SERVICE}/`)}`)
    .reply(
      200,
      Array.from({ length: scenario.seed.versions }, (_, i) => tag(String(i + 1))),
    )
    .get((path) => path.startsWith(`${R}/git/ref/`))
    .reply((request: Request) => {
      const version = decodeURIComponent(new URL(request.url).pathname).split('/').at(-1) ?? '';
      return known(version) ? [200, tag(version)] : [404, { message: 'Not Found' }];
    })
    .post(`${R}/deployments`)
    .reply(async (request: Request) => {
      writes.deployments.push((await request.json()) as Writes['deployments'][number]);
      return [201, { id: 9000 + writes.deployments.length, sha: COMMIT }];
    })
    .post(/\/issues\/\d+\/comments$/)
    .reply(async (request: Request) => {
      writes.comments.push(((await request.json()) as { body: string }).body);
      return [201, { id: 5001, html_url: `${HTML_URL}/pull/12#issuecomment-5001` }];
    })
    .patch(/\/issues\/comments\/\d+$/)
    .reply(async (request: Request) => {
      writes.comments.push(((await request.json()) as { body: string }).body);
      return [200, { id: 5001 }];
    })
    .post(`${R}/issues`)
    .reply(201, { number: 77, html_url: `${HTML_URL}/issues/77` })
    .post(/\/statuses\/[0-9a-f]{40}$/)
    .reply(201, { id: 1 })
    .post(/\/deployments\/\d+\/statuses$/)
    .reply(201, { id: 1 });
  nock.emitter.on('no match', (request: { method?: string; url?: unknown }) => {
    const url = String(request.url ?? '');
    if (url.startsWith(API)) writes.unplanned.push(`${request.method} ${url.slice(API.length)}`);
  });
  return writes;
}
