/**
 * One table of release scenarios for the three front doors (the CLI, the bundled Action, the
 * bot). Each scenario is the ledger's contents, seeded through the ledger API, one request, and
 * the decision every front door that can express the request must reach. A front door that
 * cannot express a scenario names why in `cannot`.
 */

import { environmentLockName } from '../../src/ledger/release-locks.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { overrideVerdict } from '../../src/release/fleet-verdicts.ts';

export const SERVICE = 'shop';
export const REPOSITORY = 'acme/shop';
export const ENVIRONMENT = 'production';
/** Every seeded version is numbered for this commit: the commit each front door deploys. */
export const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
/** When the seeded history begins; every front door decides after it. */
export const SEEDED_AT = Date.UTC(2026, 10, 1, 9, 0, 0);
const MINUTE = 60_000;

export const FRONT_DOORS = ['cli', 'action', 'bot'] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

export const REFUSAL_REASONS = ['bad_verdict', 'constraint', 'lock'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What a front door decided, reduced to the same small shape for all three. */
export type Decision =
  /** A rollback without a named version goes to this version. */
  | { kind: 'rollback'; to: string }
  /** A rollback without a named version has nowhere to go. */
  | { kind: 'no-rollback' }
  /** A deploy goes ahead with this version. */
  | { kind: 'deploy'; version: string }
  /**
   * The deploy does not start, and why. The CLI and the Action refuse it; the bot queues it
   * behind a lock (to start when the lock clears) and refuses it for the gate's reasons.
   */
  | { kind: 'refused'; reason: RefusalReason }
  /** What is live in the environment (null: nothing). */
  | { kind: 'live'; version: string | null }
  /** A bad verdict's rollbacks: the version each environment goes back to. */
  | { kind: 'rollbacks'; to: Record<string, string> };

export type ReleaseRequest =
  | { kind: 'rollback' }
  | { kind: 'deploy'; version: string }
  /** What is live: the CLI's and the bot's status; the version the Action's deploy replaces. */
  | { kind: 'status' }
  | { kind: 'mark-bad'; version: string };

/** One run the ledger keeps, as a CLI or Action deploy records it. */
export interface SeededRun {
  version: string;
  /** Minutes after SEEDED_AT. */
  at: number;
  /** `halted`: the run stopped with its target (p-1) left on its version, never verified there. */
  decision?: 'succeeded' | 'rolled_back' | 'halted';
  action?: 'deploy' | 'rollback';
  service?: string;
}

/** One deployment the bot started (a person's /deploy) and saw succeed, as its ledger records it. */
export interface SeededRelease {
  version: string;
  /** Minutes after SEEDED_AT. */
  at: number;
}

export interface Seed {
  /** Versions of shop the ledger numbered, in this order ({n}: 1, 2, 3…). */
  versions: number;
  runs?: SeededRun[];
  /** Releases of shop the bot started in the service's repository, which owns the service. */
  releases?: SeededRelease[];
  /** Versions of shop with a bad verdict (an override). */
  bad?: string[];
  /** A person's /lock on production in the service's repository, which owns the service. */
  lockedBy?: string;
}

export interface Scenario {
  name: string;
  seed: Seed;
  /** Lines added to every front door's tranche.yml. */
  config?: string;
  request: ReleaseRequest;
  expected: Decision;
  /** The front doors that cannot express the scenario, and why. */
  cannot?: Partial<Record<FrontDoor, string>>;
}

const ACTION_CHOOSES_NO_ROLLBACK =
  'the Action rolls back only to the version a deployment names; choosing the target is the bot’s or the CLI’s';
const ACTION_JUDGES_NO_VERDICT = 'the Action records outcomes of its own run, and marks no version bad';

const rollback = (cannot = { action: ACTION_CHOOSES_NO_ROLLBACK }) => ({ cannot });

/** 1, 2 and 3 deployed in turn, a minute apart: 3 is live. */
const threeDeploys: SeededRun[] = [
  { version: '1', at: 0 },
  { version: '2', at: 1 },
  { version: '3', at: 2 },
];

/** shop 1 is live beside storage `version`; shop 2 is numbered. */
const storageLive = (version: string): Seed => ({
  versions: 2,
  runs: [
    { version: '1', at: 0 },
    { version, at: 0, service: 'storage' },
  ],
});
const REQUIRES_STORAGE = 'requires:\n  storage: ">=2.14.0"\n';

export const SCENARIOS: Scenario[] = [
  {
    name: 'a rollback goes to the version live before the live one',
    seed: { versions: 3, runs: threeDeploys },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '2' },
    ...rollback(),
  },
  {
    name: 'a rollback passes over an earlier version with a bad verdict',
    seed: { versions: 3, runs: threeDeploys, bad: ['2'] },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '1' },
    ...rollback(),
  },
  {
    name: 'a rollback after a rollback goes further back, never forward to the version rolled back',
    seed: {
      versions: 3,
      runs: [...threeDeploys, { version: '2', at: 3, action: 'rollback' }],
    },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '1' },
    ...rollback(),
  },
  {
    name: 'a rollback while a halted run left the target off the live version puts the live version back',
    seed: {
      versions: 3,
      runs: [...threeDeploys.slice(0, 2), { version: '3', at: 2, decision: 'halted' }],
    },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '2' },
    ...rollback(),
  },
  {
    name: 'a rollback has nowhere to go with one version ever live',
    seed: { versions: 1, runs: [{ version: '1', at: 0 }] },
    request: { kind: 'rollback' },
    expected: { kind: 'no-rollback' },
    ...rollback(),
  },
  {
    name: 'a rollback has nowhere to go when every earlier version is bad',
    seed: { versions: 2, runs: threeDeploys.slice(0, 2), bad: ['1'] },
    request: { kind: 'rollback' },
    expected: { kind: 'no-rollback' },
    ...rollback(),
  },
  {
    name: 'a rollback passes over a failed deploy: the version live before it is still live',
    seed: {
      versions: 3,
      runs: [...threeDeploys.slice(0, 2), { version: '3', at: 2, decision: 'rolled_back' }],
    },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '1' },
    ...rollback(),
  },
  {
    name: 'after a failed deploy the version that succeeded before stays live',
    seed: {
      versions: 3,
      runs: [...threeDeploys.slice(0, 2), { version: '3', at: 2, decision: 'rolled_back' }],
    },
    request: { kind: 'status' },
    expected: { kind: 'live', version: '2' },
  },
  {
    name: 'after a rollback the version rolled back to is live',
    seed: { versions: 3, runs: [...threeDeploys, { version: '2', at: 3, action: 'rollback' }] },
    request: { kind: 'status' },
    expected: { kind: 'live', version: '2' },
  },
  {
    name: 'nothing is live when the only deploy failed',
    seed: { versions: 1, runs: [{ version: '1', at: 0, decision: 'rolled_back' }] },
    request: { kind: 'status' },
    expected: { kind: 'live', version: null },
  },
  {
    name: 'a deploy of a version with a bad verdict is refused',
    seed: { versions: 2, runs: [{ version: '1', at: 0 }], bad: ['2'] },
    request: { kind: 'deploy', version: '2' },
    expected: { kind: 'refused', reason: 'bad_verdict' },
  },
  {
    name: 'a deploy that would break a dependency constraint is refused',
    seed: storageLive('2.13.9'),
    config: REQUIRES_STORAGE,
    request: { kind: 'deploy', version: '2' },
    expected: { kind: 'refused', reason: 'constraint' },
  },
  {
    name: 'a deploy that meets its dependency constraint goes ahead',
    seed: storageLive('2.14.0'),
    config: REQUIRES_STORAGE,
    request: { kind: 'deploy', version: '2' },
    expected: { kind: 'deploy', version: '2' },
  },
  {
    name: 'a deploy to an environment someone locked is refused',
    seed: { versions: 2, runs: [{ version: '1', at: 0 }], lockedBy: 'carol' },
    request: { kind: 'deploy', version: '2' },
    expected: { kind: 'refused', reason: 'lock' },
  },
  {
    name: 'a deploy of a good version to a free environment goes ahead',
    seed: { versions: 2, runs: [{ version: '1', at: 0 }], bad: ['1'] },
    request: { kind: 'deploy', version: '2' },
    expected: { kind: 'deploy', version: '2' },
  },
  {
    name: 'a release the bot started after the CLI’s deploys is live for every front door',
    seed: { versions: 3, runs: threeDeploys.slice(0, 2), releases: [{ version: '3', at: 2 }] },
    request: { kind: 'status' },
    expected: { kind: 'live', version: '3' },
  },
  {
    name: 'a rollback after a release the bot started goes to the version the CLI deployed before it',
    seed: { versions: 3, runs: threeDeploys.slice(0, 2), releases: [{ version: '3', at: 2 }] },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '2' },
    ...rollback(),
  },
  {
    name: 'a CLI deploy after the bot’s releases is live, and a rollback goes to the bot’s release before it',
    seed: {
      versions: 3,
      runs: [{ version: '3', at: 2 }],
      releases: [
        { version: '1', at: 0 },
        { version: '2', at: 1 },
      ],
    },
    request: { kind: 'rollback' },
    expected: { kind: 'rollback', to: '2' },
    ...rollback(),
  },
  {
    name: 'a bad verdict for a version the CLI deployed rolls production back to the version before it',
    seed: { versions: 3, runs: threeDeploys },
    request: { kind: 'mark-bad', version: '3' },
    expected: { kind: 'rollbacks', to: { production: '2' } },
    cannot: { action: ACTION_JUDGES_NO_VERDICT },
  },
  {
    name: 'a bad verdict for a version no longer live rolls nothing back',
    seed: { versions: 3, runs: threeDeploys },
    request: { kind: 'mark-bad', version: '2' },
    expected: { kind: 'rollbacks', to: {} },
    cannot: { action: ACTION_JUDGES_NO_VERDICT },
  },
];

/** The base tranche.yml of every front door: one environment, one target, verdicts roll back everywhere. */
export function trancheYml(scenario: Scenario): string {
  return `service: ${SERVICE}
version: "{n}"
environments:
  ${ENVIRONMENT}:
    components:
      - name: app
        targets: [p-1]
        deploy: ./deploy.sh
verdict: { rollback: all }
${scenario.config ?? ''}`;
}

/** Fills the ledger with the scenario's contents, through the ledger API. */
export async function seed(ledger: Ledger, scenario: Scenario): Promise<void> {
  const { seed } = scenario;
  for (let n = 1; n <= seed.versions; n++) {
    await ledger.nextVersion(SERVICE, COMMIT, '{n}', SEEDED_AT + n);
  }
  for (const [index, run] of (seed.runs ?? []).entries()) await recordRun(ledger, run, index);
  for (const [index, release] of (seed.releases ?? []).entries()) await recordRelease(ledger, release, index);
  for (const version of seed.bad ?? []) {
    await overrideVerdict(ledger, {
      service: SERVICE,
      version,
      verdict: 'bad',
      actor: 'carol',
      reason: 'corrupts carts',
      now: SEEDED_AT + 30 * MINUTE,
    });
  }
  if (seed.lockedBy !== undefined) {
    // The bot's /lock claimed the service for its repository, as the first to declare it.
    await ledger.bindService(SERVICE, [REPOSITORY], SEEDED_AT + 30 * MINUTE);
    await ledger.acquireLock(
      environmentLockName(REPOSITORY, ENVIRONMENT),
      seed.lockedBy,
      { reason: 'freeze' },
      SEEDED_AT + 30 * MINUTE,
    );
  }
}

async function recordRun(ledger: Ledger, run: SeededRun, index: number): Promise<void> {
  const service = run.service ?? SERVICE;
  const at = SEEDED_AT + run.at * MINUTE;
  const decision = run.decision ?? 'succeeded';
  const base = { runId: `seeded-${index}`, service, environment: ENVIRONMENT, version: run.version };
  const data = { commit: COMMIT, action: run.action ?? 'deploy' };
  await ledger.record({ ...base, seq: 1, at, kind: 'run_started', status: 'started', data });
  // What the run left on the target: its version, good once it succeeded (a rolled-back run put it back).
  if (decision !== 'rolled_back' && service === SERVICE) {
    const update = { component: 'app', target: 'p-1', version: run.version, good: decision === 'succeeded' };
    await ledger.updateTargets(service, ENVIRONMENT, base.runId, [update]);
  }
  await ledger.record({
    ...base,
    seq: 2,
    at: at + 1000,
    kind: 'run_finished',
    status: decision === 'succeeded' ? 'ok' : 'failed',
    data: { decision },
  });
}

/** A release as the bot records one: admitted (in the repository that owns shop), deployed, then its success. */
async function recordRelease(ledger: Ledger, release: SeededRelease, index: number): Promise<void> {
  const at = SEEDED_AT + release.at * MINUTE;
  const limits = { concurrentReleases: 1, leaseMs: 10 * MINUTE };
  const delivery = (id: string) => ({ id, repo: REPOSITORY, event: 'issue_comment', at });
  const { version } = release;
  const where = { repo: REPOSITORY, installationId: 1, environment: ENVIRONMENT, service: SERVICE };
  await ledger.bindService(SERVICE, [REPOSITORY], at);
  const admission = await ledger.admitRelease(
    {
      ...where,
      delivery: delivery(`seeded-release-${index}`),
      kind: 'deploy',
      version,
      commit: COMMIT,
      requestedBy: 'alice',
      pullRequest: null,
    },
    limits,
    at,
  );
  if (admission.outcome !== 'started') throw new Error(`the seeded release of ${version} did not start`);
  const deploymentId = 8000 + index;
  await ledger.updateRelease(admission.release.id, { deploymentId }, at);
  await ledger.recordDeploymentStatus(
    {
      ...where,
      delivery: delivery(`seeded-status-${index}`),
      deploymentId,
      state: 'success',
      version,
      commit: COMMIT,
      kind: 'deploy',
      requestedBy: 'alice',
      description: null,
      logUrl: null,
      checkRunUrl: null,
    },
    limits,
    at + 1000,
  );
}

/** The front doors that run the scenario. */
export function frontDoorsOf(scenario: Scenario): FrontDoor[] {
  return FRONT_DOORS.filter((door) => scenario.cannot?.[door] === undefined);
}
