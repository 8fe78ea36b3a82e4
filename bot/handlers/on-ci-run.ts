/**
 * `check_run.completed` and `workflow_run.completed`: CI's verdict on a version's commit, as an
 * outcome of that version. Only the check runs and workflows tranche.yml names count
 * (`verdict.checkRuns`, `verdict.workflowRuns`; default none), so unrelated CI does not sway
 * verdicts; each is its own stratum (`check:<name>`, `workflow:<name>`), compared with the same
 * check's outcomes on the baseline. success counts as a success; failure and timed_out as a
 * failure; anything else (cancelled, skipped, neutral, stale, action_required) not at all. The
 * commit is mapped to its version through the bot's records and the ledger (version-records.ts);
 * a commit that is no version yet is ignored. The Action's own check runs (`tranche / <env>`)
 * are the deployments', already counted from their statuses.
 */
import type { Context } from 'probot';
import type { Outcome } from '../../src/engine/verdict.ts';
import { checkRunName } from '../../src/github/check-run.ts';
import { type BotDeps, type HandlerScope, loadedConfig } from '../bot-scope.ts';
import { versionOfCommit } from '../releases/version-records.ts';
import { advanceTracks } from '../tracks/advance-tracks.ts';
import { recordAndJudge } from '../verdicts/judge.ts';
import { handlerScope } from './on-comment.ts';
import { ownsService } from './service-claim.ts';

interface CiRun {
  /** The stratum: `check:<name>` or `workflow:<name>`. */
  stratum: string;
  source: 'check_run' | 'workflow_run';
  sourceId: string;
  commit: string;
  outcome: Outcome;
  /** Whether tranche.yml's lists name it. */
  counts(names: { checkRuns: string[]; workflowRuns: string[] }): boolean;
}

/** A conclusion as an outcome; undefined for one that says nothing of the version. */
export function conclusionOutcome(conclusion: string | null | undefined): Outcome | undefined {
  if (conclusion === 'success') return 'success';
  if (conclusion === 'failure' || conclusion === 'timed_out') return 'failure';
  return undefined;
}

export async function onCheckRun(context: Context<'check_run.completed'>, deps: BotDeps): Promise<void> {
  const run = context.payload.check_run;
  const outcome = conclusionOutcome(run.conclusion);
  if (outcome === undefined || run.name.startsWith(checkRunName(''))) return;
  const scope = await handlerScope(context, deps);
  await recordCiRun(scope, {
    stratum: `check:${run.name}`,
    source: 'check_run',
    sourceId: String(run.id),
    commit: run.head_sha,
    outcome,
    counts: (names) => names.checkRuns.includes(run.name),
  });
  await advanceTracks(scope);
}

export async function onWorkflowRun(
  context: Context<'workflow_run.completed'>,
  deps: BotDeps,
): Promise<void> {
  const run = context.payload.workflow_run;
  const outcome = conclusionOutcome(run.conclusion);
  if (outcome === undefined) return;
  const scope = await handlerScope(context, deps);
  const file = run.path.split('/').at(-1) ?? run.path;
  const name = run.name || file;
  await recordCiRun(scope, {
    stratum: `workflow:${name}`,
    source: 'workflow_run',
    sourceId: `${run.id}:${run.run_attempt ?? 1}`,
    commit: run.head_sha,
    outcome,
    counts: (names) => [name, run.path, file].some((n) => n !== '' && names.workflowRuns.includes(n)),
  });
  await advanceTracks(scope);
}

async function recordCiRun(scope: HandlerScope, run: CiRun): Promise<void> {
  const loaded = loadedConfig(scope);
  if (scope.config.state === 'invalid') {
    scope.log.warn(
      `${run.source} ${run.stratum} on ${run.commit.slice(0, 7)}: not counted: ${scope.config.message}`,
    );
    return;
  }
  if (!loaded || !run.counts(loaded.config.verdict)) {
    scope.log.debug(
      `${run.source} ${run.stratum} on ${run.commit.slice(0, 7)}: not an outcome tranche.yml counts`,
    );
    return;
  }
  if (!(await ownsService(scope, `${run.source} ${run.stratum}`))) return;
  const service = loaded.config.service;
  const version = await versionOfCommit(scope, service, run.commit);
  if (version === null) {
    scope.log.debug(
      `${run.source} ${run.stratum}: commit ${run.commit.slice(0, 7)} is no version of ${service}; ignored`,
    );
    return;
  }
  const { recorded } = await recordAndJudge(scope, [
    {
      service,
      version,
      environment: run.stratum,
      outcome: run.outcome,
      source: run.source,
      sourceId: run.sourceId,
      at: scope.deps.now(),
    },
  ]);
  scope.log.info(
    `${run.source} ${run.stratum}: ${run.outcome} of ${service} ${version}${recorded ? '' : ' (recorded before)'}`,
  );
}
