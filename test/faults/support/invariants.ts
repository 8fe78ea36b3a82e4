/**
 * What must hold after any fault, checked in one place for the CLI's ledgers and the Action's
 * GitHub records alike:
 * - every started run has a terminal record (the next run recovers a dead one);
 * - every target runs what the records say it runs, and that is the new version or its last good
 *   one unless a record says otherwise;
 * - no duplicate deployment: one GitHub deployment and one check run per run, no orphaned command
 *   still running;
 * - the check run, the deployment statuses and the ledger agree.
 * Each function returns the violations it found, as sentences; an empty list is a pass.
 */
import type { TargetState } from '../../../src/engine/ports.ts';
import type { RunRecord } from '../../../src/ledger/types.ts';
import type { FakeDeployment, GitHubState } from './fake-github.ts';

export interface Expectation {
  /** What each target really runs (as its deploy command last wrote it); null: nothing. */
  actual: Record<string, string | null>;
  /** The versions a target may be on without a record saying so: the new one and its last good one. */
  allowed: (string | null)[];
}

/** A ledger's account after the fault and the run that followed it. */
export interface LedgerAccount {
  runs: RunRecord[];
  targets: TargetState[];
  /** Processes a dead run left that are still running. */
  orphansAlive: number;
}

/** GitHub's account after an Action's run, and what the Action said it decided. */
export interface GitHubAccount {
  state: GitHubState;
  environment: string;
  /** The Action's `decision` output; undefined when it failed before deciding. */
  decision: string | undefined;
}

const TERMINAL_STATUSES = new Set(['success', 'failure', 'error', 'inactive']);

export function ledgerViolations(expected: Expectation, ledger: LedgerAccount): string[] {
  const found: string[] = [];
  for (const run of ledger.runs.filter((r) => r.decision === null)) {
    found.push(`run ${run.runId} (${run.version}) has no terminal record`);
  }
  const recorded = new Map(ledger.targets.map((t) => [t.target, t.version]));
  const unfinished = (version: string | null) =>
    ledger.runs.some((r) => r.version === version && r.decision !== 'succeeded');
  found.push(...targetViolations(expected, recorded, 'the ledger', unfinished));
  if (ledger.orphansAlive > 0) found.push(`${ledger.orphansAlive} command(s) of a dead run still running`);
  return found;
}

export function gitHubViolations(expected: Expectation, github: GitHubAccount): string[] {
  const ours = github.state.deployments.filter((d) => runIdOf(d) !== undefined);
  const found = [
    ...duplicates(
      ours.map((d) => runIdOf(d) ?? ''),
      'deployments',
    ),
    ...duplicates(
      github.state.checkRuns.map((r) => r.externalId ?? ''),
      'check runs',
    ),
  ];
  for (const run of github.state.checkRuns.filter((r) => r.status !== 'completed' || !r.conclusion)) {
    found.push(`check run ${run.id} was left ${run.status}`);
  }
  for (const deployment of ours) {
    const last = deployment.statuses.at(-1);
    if (!last || !TERMINAL_STATUSES.has(last))
      found.push(`deployment ${deployment.id} was left ${last ?? 'without a status'}`);
  }
  found.push(...agreement(github));
  const live = liveVersion(ours, github.environment);
  const recorded = new Map(Object.keys(expected.actual).map((target) => [target, live]));
  found.push(...targetViolations(expected, recorded, 'GitHub’s live deployment'));
  return found;
}

/** Each run's check run, deployment and decision tell the same story. */
function agreement(github: GitHubAccount): string[] {
  const found: string[] = [];
  for (const run of github.state.checkRuns) {
    const deployment = github.state.deployments.find((d) => runIdOf(d) === run.externalId);
    const succeeded = run.conclusion === 'success';
    if (deployment && succeeded !== deployment.statuses.includes('success')) {
      found.push(
        `check run ${run.id} concluded ${run.conclusion} but deployment ${deployment.id} went ${deployment.statuses.join(' → ')}`,
      );
    }
    if (github.decision !== undefined && succeeded !== (github.decision === 'succeeded')) {
      found.push(`check run ${run.id} concluded ${run.conclusion} but the Action decided ${github.decision}`);
    }
  }
  return found;
}

/**
 * Every target runs what the record says; a version other than the new one or the last good one
 * also needs a run that did not succeed with it (the halted run that left it there).
 */
function targetViolations(
  expected: Expectation,
  recorded: Map<string, string | null>,
  by: string,
  explains: (version: string | null) => boolean = () => false,
): string[] {
  const found: string[] = [];
  for (const [target, actual] of Object.entries(expected.actual)) {
    const record = recorded.get(target) ?? null;
    if (record !== actual) found.push(`${target} runs ${actual} but ${by} says ${record}`);
    else if (!expected.allowed.includes(actual) && !explains(actual))
      found.push(
        `${target} runs ${actual}, neither the new version nor its last good one, and no run says why`,
      );
  }
  return found;
}

/** The version of the newest deployment of the environment whose latest status is success. */
function liveVersion(deployments: FakeDeployment[], environment: string): string | null {
  const live = deployments.findLast((d) => d.environment === environment && d.statuses.at(-1) === 'success');
  return live ? (versionOf(live) ?? null) : null;
}

function duplicates(keys: string[], what: string): string[] {
  const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
  return [...new Set(repeated)].map((key) => `two ${what} of run ${key}`);
}

function runIdOf(deployment: FakeDeployment): string | undefined {
  return (deployment.payload as { tranche?: { runId?: string } } | null)?.tranche?.runId;
}

function versionOf(deployment: FakeDeployment): string | undefined {
  return (deployment.payload as { tranche?: { version?: string } } | null)?.tranche?.version;
}
