/**
 * The bot's GitHub calls that no command makes: those of its timer (the sweep) and of the
 * deployment statuses that follow a release. Four scenarios, each set up with GitHub healthy, then
 * one step (a sweep, or a `deployment_status` webhook) with one fault injected at each of its calls
 * in turn (500, a 502 carried out, 503, 429, a secondary rate limit, a connection reset), with
 * Probot's own Octokit retrying and throttling as in production; then, GitHub healthy again, a
 * webhook the bot did not answer with 2xx is delivered again (as GitHub's redelivery does) and the
 * next sweep runs. Then: nothing lost (the promotion deployed, the verdict's issue, status and
 * rollback, the expired release reported, the status's reply, outcome and superseded deployment),
 * nothing twice (deployments, issues, comments), every release terminal or active with its
 * deployment, and the ledger and GitHub agree (each reply says what its release's state is).
 *
 *  - promotion: the sweep at the end of yolo's bake promotes 3 to canary (a reply, a deployment);
 *  - status: the canary's deployment succeeds (its reply edited, the deployment it supersedes made
 *    inactive, the outcome judged, the next bake scheduled);
 *  - verdict: the sweep judges outcomes reported to the ledger: 3 is bad (an issue, a commit
 *    status, a rollback with its reply and deployment);
 *  - expiry: the sweep gives up on a release whose workflow never reported (an error status, the
 *    reply edited).
 *
 * `npm test` injects one fault per step, at a call where it once lost or doubled the step's work
 * (each step writes through the throttling plugin, a second apart, so a case takes seconds);
 * `npm run test:faults` every kind at every call. The status step is also tried with GitHub
 * failing from one call on, through every retry: its webhook's redelivery must redo what followed
 * the recorded status (the reply, the superseded deployment, the outcome, the next promotion),
 * with a secondary rate limit (the one fault whose retries end before the bot must answer).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { ACTIVE_RELEASE_STATES, type ReleaseRecord } from '../../src/ledger/types.ts';
import { type BotServer, startBot } from '../bot/harness/bot-server.ts';
import { resetNetwork, strictNetwork } from '../bot/harness/github-mock.ts';
import { jobs, reported } from '../bot/harness/jobs.ts';
import { commentPayload, FULL_NAME, HEAD_SHA, statusPayload, TRANCHE_YML } from '../bot/harness/payloads.ts';
import { emptyGitHub, type FakeDeployment, type GitHubState } from './support/fake-github.ts';
import { type FaultPlan, GITHUB_FAULTS, type GitHubFault } from './support/github-faults.ts';
import { interceptGitHub } from './support/intercept-github.ts';
import { FULL_TIER, faultCases, tally } from './support/tier.ts';

const API = 'https://api.github.com';
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const V2_SHA = 'b'.repeat(40);
const V3_SHA = 'c'.repeat(40);
const HEALTHY: FaultPlan = { at: null, kind: '500' };

const TRACKS_YML = `${TRANCHE_YML}tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [eu], bake: 4h }
  - { name: stable, environments: [production] }
`;
const VERDICT_YML = `${TRANCHE_YML}verdict: { minSamples: 50, rollback: failing }\n`;

interface World {
  bot: BotServer;
  ledger: SqliteLedger;
  state: GitHubState;
  clock: { now: number };
  /** Requests GitHub had no answer for, in any phase. */
  unmatched: string[];
  /** Webhooks of the step the bot did not answer with 2xx: GitHub delivers them again. */
  failed: { event: string; payload: unknown; id: string }[];
}

/** Runs `step` against the fake GitHub, `fault` injected; the requests it made. */
async function phase(world: World, fault: FaultPlan, step: () => Promise<void>) {
  nock.cleanAll();
  const g = interceptGitHub(API, world.state, fault);
  await step();
  world.unmatched.push(...g.unmatched);
  nock.cleanAll();
  return g.requests;
}

/**
 * Delivers a webhook; when the bot does not answer 2xx, GitHub delivers it again under the same id:
 * at once in the setup, after the step (redeliverFailed) when `later`.
 */
async function deliver(world: World, event: string, payload: unknown, later = false): Promise<void> {
  const first = await world.bot.deliver(event, payload);
  if (first.status < 300) return;
  if (later) world.failed.push({ event, payload, id: first.id });
  else await world.bot.deliver(event, payload, { id: first.id });
}

async function redeliverFailed(world: World): Promise<void> {
  for (const { event, payload, id } of world.failed.splice(0))
    await world.bot.deliver(event, payload, { id });
}

function github(yml: string, deployments: FakeDeployment[] = []): GitHubState {
  return {
    ...emptyGitHub(),
    deployments,
    tags: { 'refs/tags/tranche/shop/1': HEAD_SHA, 'refs/tags/tranche/shop/2': HEAD_SHA },
    bot: {
      files: { '.github/tranche.yml': yml },
      roles: { alice: 'write' },
      pulls: { 12: HEAD_SHA },
      comments: [],
      reactions: {},
      issues: [],
      commitStatuses: {},
    },
  };
}

/** A deployment the Action made on push, which the bot only sees the statuses of. */
function actionDeployment(id: number, environment: string, version: string, sha: string): FakeDeployment {
  return {
    id,
    sha,
    environment,
    payload: { tranche: { schemaVersion: 1, version, rollback: false } },
    statuses: [],
  };
}

function versionOf(deployment: FakeDeployment): string | undefined {
  return (deployment.payload as { tranche?: { version?: string } }).tranche?.version;
}

const TERMINAL_HEADLINE: Partial<Record<ReleaseRecord['state'], string>> = {
  success: '**Deployed**',
  failure: '**Failed**',
  error: '**Did not deploy**',
  expired: '**Gave up**',
};

/** What must hold after any scenario: nothing twice, and the ledger's releases and GitHub agree. */
function agreement(state: GitHubState, releases: ReleaseRecord[]): string[] {
  const found: string[] = [];
  const comments = state.bot?.comments ?? [];
  const runIds = state.deployments.flatMap((d) => {
    const runId = (d.payload as { tranche?: { runId?: string } }).tranche?.runId;
    return runId ? [runId] : [];
  });
  for (const runId of new Set(runIds)) {
    const count = runIds.filter((r) => r === runId).length;
    if (count > 1) found.push(`${count} deployments for ${runId}`);
  }
  const bodies = comments.map((c) => `#${c.issue}: ${c.body}`);
  if (new Set(bodies).size < bodies.length) found.push('a comment posted twice');
  const commented = releases.flatMap((r) => (r.commentId === null ? [] : [r.commentId]));
  for (const comment of comments) {
    if (!commented.includes(comment.id) && /\*\*(Deploying|Rolling back)\*\*/.test(comment.body))
      found.push(`comment ${comment.id} is a reply no release in the ledger has`);
  }
  for (const release of releases) {
    const active = (ACTIVE_RELEASE_STATES as readonly string[]).includes(release.state);
    if (active && !state.deployments.some((d) => d.id === release.deploymentId))
      found.push(`release ${release.id} is ${release.state} with no deployment on GitHub`);
    if (release.state === 'queued') found.push(`release ${release.id} is still queued`);
    const comment = comments.find((c) => c.id === release.commentId);
    if (release.commentId !== null && !comment)
      found.push(`release ${release.id}'s reply ${release.commentId} is not on GitHub`);
    const headline = TERMINAL_HEADLINE[release.state];
    if (comment && headline && !comment.body.includes(headline))
      found.push(`release ${release.id} is ${release.state}, its reply says ${comment.body.split('\n')[0]}`);
  }
  return found;
}

interface Scenario {
  name: string;
  /** GitHub and the ledger before the step, built with GitHub healthy. */
  setup(world: World): Promise<void>;
  /** The step faults are injected into. */
  step(world: World): Promise<void>;
  /** The requests of a clean step, to number the call sites. */
  calls: string[];
  /** The quick tier's one fault: a representative call, with the kind that once lost or doubled its work. */
  quick: [number, GitHubFault];
  /**
   * The quick tier's faults that outlast the retries (every request from the call on fails), for
   * a step whose redelivery must redo what the fault lost; the full tier tries every call. Only a
   * secondary rate limit: its retries end within seconds, so the bot answers the webhook 5xx. The
   * retry plugin's backoff on the other kinds outlasts the webhook route's wait (9 s), which
   * answers 202 ("still processing"); such a webhook is handled again only by the bot's own
   * redelivery, by its timer a minute later (bot/http/redeliveries.ts), which this suite does not
   * wait for.
   */
  lasting?: [number, GitHubFault][];
  /** What the step must have done once GitHub was healthy again (besides agreement). */
  done(world: World, releases: ReleaseRecord[]): Promise<string[]>;
}

/** A writer's `/deploy to <environment>` on pull request 12. */
async function deployCommand(world: World, environment: string) {
  await phase(world, HEALTHY, async () => {
    await deliver(
      world,
      'issue_comment',
      commentPayload({ body: `/deploy to ${environment}`, commentId: 7001 }),
    );
  });
}

/** 2 ran well in eu an hour ago; 3 deployed to staging (yolo) by /deploy on PR 12, and succeeded. */
async function threeOnYolo(world: World) {
  world.clock.now = T0 - HOUR;
  world.state.deployments.push(actionDeployment(90, 'eu', '2', V2_SHA));
  await phase(world, HEALTHY, async () => {
    await deliver(
      world,
      'deployment_status',
      statusPayload({ deploymentId: 90, state: 'success', environment: 'eu', version: '2', sha: V2_SHA }),
    );
  });
  world.clock.now = T0;
  await deployCommand(world, 'staging');
  const [deployment] = world.state.deployments.filter((d) => d.environment === 'staging');
  await phase(world, HEALTHY, async () => {
    await deliver(
      world,
      'deployment_status',
      statusPayload({
        deploymentId: deployment?.id ?? 0,
        state: 'success',
        environment: 'staging',
        version: '3',
      }),
    );
  });
}

function deploymentsOf(world: World, environment: string, version: string): FakeDeployment[] {
  return world.state.deployments.filter((d) => d.environment === environment && versionOf(d) === version);
}

const promotion: Scenario = {
  quick: [2, 'secondary'],
  name: 'the promotion at the end of a bake',
  async setup(world) {
    world.state = github(TRACKS_YML);
    await threeOnYolo(world);
    world.clock.now = T0 + HOUR;
  },
  async step(world) {
    await world.bot.bot.sweep();
  },
  calls: [
    'GET /repos/acme/shop/contents/.github%2Ftranche.yml',
    'POST /repos/acme/shop/issues/12/comments',
    'POST /repos/acme/shop/deployments',
  ],
  async done(world) {
    const found: string[] = [];
    const eu = deploymentsOf(world, 'eu', '3');
    if (eu.length !== 1) found.push(`${eu.length} deployments of 3 to eu (canary), not 1`);
    return found;
  },
};

const status: Scenario = {
  quick: [1, 'secondary'],
  // The full tier tries every call; one keeps the quick tier (npm test) short.
  lasting: [[1, 'secondary']],
  name: "the canary deployment's success",
  async setup(world) {
    await promotion.setup(world);
    await phase(world, HEALTHY, () => world.bot.bot.sweep());
    world.clock.now = T0 + HOUR + 10 * MINUTE;
  },
  async step(world) {
    const [deployment] = deploymentsOf(world, 'eu', '3');
    await deliver(
      world,
      'deployment_status',
      statusPayload({ deploymentId: deployment?.id ?? 0, state: 'success', environment: 'eu', version: '3' }),
      true,
    );
  },
  calls: [
    'GET /repos/acme/shop/contents/.github%2Ftranche.yml',
    'PATCH /repos/acme/shop/issues/comments/103',
    'POST /repos/acme/shop/deployments/90/statuses',
  ],
  async done(world, releases) {
    const found: string[] = [];
    if (world.state.deployments.find((d) => d.id === 90)?.statuses.at(-1) !== 'inactive')
      found.push('deployment 90, superseded in eu, is not inactive');
    const [deployment] = deploymentsOf(world, 'eu', '3');
    const release = releases.find((r) => r.deploymentId === deployment?.id);
    if (release?.state !== 'success') found.push(`the canary release is ${release?.state}, not success`);
    const outcomes = await world.ledger.outcomes({ service: 'shop', versions: ['3'], environment: 'eu' });
    if (outcomes.length !== 1) found.push(`${outcomes.length} outcomes of 3 in eu, not 1`);
    const next = await world.ledger.promotions({ service: 'shop' });
    if (!next.some((p) => p.version === '3' && p.toTrack === 'stable'))
      found.push('no promotion of 3 to stable scheduled');
    return found;
  },
};

const verdict: Scenario = {
  quick: [1, '502'],
  name: 'the verdict on outcomes reported to the ledger',
  async setup(world) {
    world.state = github(VERDICT_YML, [
      actionDeployment(9001, 'production', '2', V2_SHA),
      actionDeployment(9002, 'eu', '2', V2_SHA),
      actionDeployment(9003, 'production', '3', V3_SHA),
      actionDeployment(9004, 'eu', '3', V3_SHA),
    ]);
    for (const d of world.state.deployments) {
      world.clock.now = T0 + (versionOf(d) === '3' ? MINUTE : 0);
      await phase(world, HEALTHY, async () => {
        await deliver(
          world,
          'deployment_status',
          statusPayload({
            deploymentId: d.id,
            state: 'success',
            environment: d.environment,
            version: versionOf(d) ?? '',
            sha: d.sha,
          }),
        );
      });
    }
    const good = [...jobs('2', 'production', 100, 2), ...jobs('2', 'eu', 100, 2)];
    const bad = [...jobs('3', 'production', 100, 30), ...jobs('3', 'eu', 100, 0)];
    await world.ledger.recordOutcomes(reported(good, T0 + 2 * MINUTE));
    await world.ledger.recordOutcomes(reported(bad, T0 + 3 * MINUTE));
    world.clock.now = T0 + 4 * MINUTE;
  },
  async step(world) {
    await world.bot.bot.sweep();
  },
  calls: [
    'GET /repos/acme/shop/contents/.github%2Ftranche.yml',
    'POST /repos/acme/shop/issues',
    `POST /repos/acme/shop/statuses/${V3_SHA}`,
    'POST /repos/acme/shop/issues/102/comments',
    'POST /repos/acme/shop/deployments',
  ],
  async done(world) {
    const found: string[] = [];
    const issues = (world.state.bot?.issues ?? []).filter((i) => i.title === 'shop 3 is bad');
    if (issues.length !== 1) found.push(`${issues.length} issues "shop 3 is bad", not 1`);
    const rollbacks = world.state.deployments.filter(
      (d) => d.environment === 'production' && d.sha === V2_SHA && d.id !== 9001,
    );
    if (rollbacks.length !== 1) found.push(`${rollbacks.length} rollbacks of production to 2, not 1`);
    if (!(world.state.bot?.commitStatuses?.[V3_SHA] ?? []).includes('tranche/verdict: failure'))
      found.push("3's commit has no failing tranche/verdict status");
    const unjudged = await world.ledger.unjudgedVersions();
    if (unjudged.length > 0) found.push(`${unjudged.map((u) => u.version).join(', ')} still unjudged`);
    return found;
  },
};

const expiry: Scenario = {
  quick: [1, 'secondary'],
  // The report stays owed in the ledger: the next sweep makes it.
  lasting: [[2, 'secondary']],
  name: 'the lease of a release whose workflow never reported',
  async setup(world) {
    world.state = github(TRANCHE_YML);
    world.clock.now = T0;
    await deployCommand(world, 'production');
    world.clock.now = T0 + HOUR + MINUTE;
  },
  async step(world) {
    await world.bot.bot.sweep();
  },
  calls: [
    'GET /repos/acme/shop/contents/.github%2Ftranche.yml',
    'POST /repos/acme/shop/deployments/102/statuses',
    'PATCH /repos/acme/shop/issues/comments/101',
  ],
  async done(world, releases) {
    const found: string[] = [];
    const [deployment] = world.state.deployments;
    if (deployment?.statuses.at(-1) !== 'error')
      found.push(`the expired release's deployment ends ${deployment?.statuses.at(-1)}, not error`);
    if (releases[0]?.state !== 'expired') found.push(`the release is ${releases[0]?.state}, not expired`);
    return found;
  },
};

const SCENARIOS = [promotion, status, verdict, expiry];

const counted = tally('bot timer × GitHub');
afterAll(() => counted.report());

describe.each(SCENARIOS)('$name while GitHub fails once', (scenario) => {
  let world: World;

  beforeEach(async () => {
    strictNetwork();
    const ledger = await SqliteLedger.open(':memory:');
    const clock = { now: T0 };
    const bot = await startBot({ ledger, now: () => clock.now, productionOctokit: true });
    world = { bot, ledger, clock, state: emptyGitHub(), unmatched: [], failed: [] };
    await scenario.setup(world);
  });

  afterEach(async () => {
    await world.bot.close();
    await world.ledger.close();
    resetNetwork();
  });

  /** The step under `fault`, then GitHub's redelivery and the next sweep with GitHub healthy; what is wrong after. */
  async function run(fault: FaultPlan) {
    const requests = await phase(world, fault, () => scenario.step(world));
    world.clock.now += MINUTE;
    await phase(world, HEALTHY, async () => {
      await redeliverFailed(world);
      await world.bot.bot.sweep();
    });
    const releases = await world.ledger.releases({ repo: FULL_NAME });
    const found = [...agreement(world.state, releases), ...(await scenario.done(world, releases))];
    return { requests, found };
  }

  it('makes the calls the sites are numbered by, and does its work', async () => {
    const { requests, found } = await run(HEALTHY);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(scenario.calls);
    expect(world.unmatched).toEqual([]);
    expect(found).toEqual([]);
  });

  it.each(FULL_TIER ? faultCases(scenario.calls.length, GITHUB_FAULTS) : [scenario.quick])(
    'call %i failing with %s: nothing lost, nothing twice, the ledger and GitHub agree',
    async (at, kind) => {
      const { found } = await run({ at, kind });
      counted.add(found);
      expect(world.unmatched).toEqual([]);
      expect(found).toEqual([]);
    },
    120_000,
  );

  const lasting =
    scenario.lasting &&
    (FULL_TIER ? faultCases(scenario.calls.length, ['secondary'] as const) : scenario.lasting);
  if (lasting)
    it.each(lasting)(
      'every call from %i on failing with %s through the retries: the redelivery loses nothing',
      async (at, kind) => {
        const { found } = await run({ at, kind, lasting: true });
        counted.add(found);
        expect(world.unmatched).toEqual([]);
        expect(found).toEqual([]);
      },
      180_000,
    );
});
