/**
 * The bundled Action against a GitHub that fails once, at every call the Action makes: a clean run
 * numbers the calls, then each call in turn answers with a fault (the quick tier: one fault per
 * call, the kinds taken in turn; `npm run test:faults`: every kind at every call). After each run
 * the shared invariants are checked on GitHub's state and the targets.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useWorkspaces } from '../action/fleet.ts';
import { type ActionRun, runAction } from '../action/harness/runner.ts';
import { SHA } from '../action/harness/scenario.ts';
import { emptyGitHub, type GitHubState } from './support/fake-github.ts';
import { type FaultPlan, GITHUB_FAULTS, type GitHubScenario } from './support/github-faults.ts';
import { gitHubViolations } from './support/invariants.ts';
import { faultCases, tally } from './support/tier.ts';

const PRELOAD = fileURLToPath(new URL('./support/github-preload.ts', import.meta.url));
const TARGETS = ['t-1', 't-2', 't-3'];
const GOOD = '1.1';
const workspace = useWorkspaces();

/** GitHub where 1.1 is tagged and live on prod, and every target runs it. */
function liveGitHub(): GitHubState {
  const state = emptyGitHub();
  state.tags[`refs/tags/tranche/shop/${GOOD}`] = SHA;
  state.deployments.push({
    id: 1,
    sha: SHA,
    environment: 'prod',
    payload: { tranche: { schemaVersion: 1, version: GOOD, rollback: false, runId: 'an-earlier-run' } },
    statuses: ['in_progress', 'success'],
  });
  return state;
}

interface FaultRun {
  run: ActionRun & { recording: { github: GitHubState } };
  actual: Record<string, string | null>;
}

async function deployWith(fault: FaultPlan, badTargets: string[]): Promise<FaultRun> {
  const files: Record<string, string> = Object.fromEntries(TARGETS.map((t) => [`state/${t}`, `${GOOD}\n`]));
  if (badTargets.length > 0) files['bad-targets'] = `${badTargets.join('\n')}\n`;
  const f = workspace(files);
  const scenario: GitHubScenario = { state: liveGitHub(), fault };
  const run = (await runAction({
    workspace: f.dir,
    interactions: [],
    github: { preload: PRELOAD, scenario },
  })) as FaultRun['run'];
  return { run, actual: Object.fromEntries(TARGETS.map((t) => [t, f.versionOf(t)])) };
}

function violations({ run, actual }: FaultRun): string[] {
  const found = gitHubViolations(
    { actual, allowed: [run.outputs.version ?? null, GOOD] },
    { state: run.recording.github, environment: 'prod', decision: run.outputs.decision },
  );
  if (run.recording.unmatched.length > 0)
    found.push(`calls the fake GitHub lacks: ${run.recording.unmatched}`);
  return found;
}

const SCENARIOS = [
  { name: 'a healthy rollout', badTargets: [], decision: 'succeeded', offset: 0 },
  {
    name: 'a rollout whose first batch fails its check',
    badTargets: ['t-1'],
    decision: 'rolled_back',
    offset: 3,
  },
];

const counted = tally('Action × GitHub faults');
afterAll(() => counted.report());

for (const scenario of SCENARIOS) {
  // The calls of a clean run, numbered at collection so that each gets a test of its own.
  const clean = await deployWith({ at: null, kind: GITHUB_FAULTS[0] }, scenario.badTargets);
  const calls = clean.run.recording.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);

  describe(`the bundled Action, in ${scenario.name}`, () => {
    it(`decides ${scenario.decision} and keeps every invariant when GitHub never fails`, () => {
      expect(
        clean.run.outputs.decision,
        `${clean.run.stdout}${clean.run.stderr}${JSON.stringify(clean.run.recording)}`,
      ).toBe(scenario.decision);
      expect(violations(clean)).toEqual([]);
    });

    describe.concurrent.each(faultCases(calls.length, GITHUB_FAULTS, scenario.offset))(
      'when call %i answers with fault %s',
      (at, kind) => {
        it(`still decides ${scenario.decision} and keeps every invariant (${calls[at]})`, async () => {
          const faulty = await deployWith({ at, kind }, scenario.badTargets);
          const found = violations(faulty);
          counted.add(found);
          expect(found, `${faulty.run.stdout}${faulty.run.stderr}`).toEqual([]);
          expect(faulty.run.outputs.decision, faulty.run.stdout).toBe(scenario.decision);
        }, 120_000);
      },
    );
  });
}
