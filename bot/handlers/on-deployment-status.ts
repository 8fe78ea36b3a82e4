/**
 * `deployment_status.created`: the Action (or anyone) reports on a Tranche deployment. The ledger
 * records it in one transaction with the delivery's claim; then the reply is edited (🚧, then 🚀
 * or 😕), a success makes the environment's earlier successful deployments inactive on GitHub,
 * and whatever the queue can now start starts. A success or failure is an outcome of the version
 * there (its verdict is judged again), and the promotion timer's work runs: a track that became
 * healthy on a version starts its bake. A redelivery of a status the ledger recorded (the bot
 * failed what followed it) does those follow-ups again: the reply as the ledger has the release
 * now, the deployments its success made inactive, the outcome (counted once) and the timer's work.
 */
import type { Context } from 'probot';
import { checkRunName } from '../../src/github/check-run.ts';
import { markSuperseded } from '../../src/github/deployments.ts';
import type { GitHubDeploymentState, ReleaseRecord } from '../../src/ledger/types.ts';
import { GITHUB_DEPLOYMENT_STATES } from '../../src/ledger/types.ts';
import type { Ownership } from '../../src/release/service-owner.ts';
import { type BotDeps, type HandlerScope, limitsOf, loadedConfig } from '../bot-scope.ts';
import { trancheOf } from '../github/tranche-payload.ts';
import { liveAfter } from '../releases/deployment-history.ts';
import { followAdvance, postReply } from '../releases/start-release.ts';
import { advanceTracks } from '../tracks/advance-tracks.ts';
import { recordAndJudge } from '../verdicts/judge.ts';
import { handlerScope } from './on-comment.ts';
import { accepted, claimOwnService } from './service-claim.ts';

export async function onDeploymentStatus(
  context: Context<'deployment_status.created'>,
  deps: BotDeps,
): Promise<void> {
  const { deployment, deployment_status: status, repository } = context.payload;
  const tranche = trancheOf(deployment.payload);
  if (!tranche) {
    context.log.debug(
      `deployment ${deployment.id} in ${repository.full_name} is not a Tranche deployment; ignored`,
    );
    return;
  }
  const state = status.state as GitHubDeploymentState;
  if (!GITHUB_DEPLOYMENT_STATES.includes(state)) {
    context.log.warn(`deployment ${deployment.id}: unknown status state ${status.state}; ignored`);
    return;
  }
  const scope = await handlerScope(context, deps);
  const checkRun = (context.payload as { check_run?: { html_url?: string | null } | null }).check_run;
  let ownership: Ownership | undefined;
  const recording = await deps.ledger.recordDeploymentStatus(
    {
      delivery: scope.delivery,
      repo: scope.fullName,
      installationId: scope.installationId,
      environment: deployment.environment,
      deploymentId: deployment.id,
      state,
      service: loadedConfig(scope)?.config.service ?? null,
      version: tranche.version ?? null,
      commit: deployment.sha,
      kind: tranche.rollback ? 'rollback' : 'deploy',
      requestedBy: tranche.requestedBy ?? deployment.creator?.login ?? null,
      targets: tranche.targets ?? null,
      track: tranche.track ?? null,
      description: status.description ?? null,
      logUrl: status.log_url || status.target_url || null,
      checkRunUrl: checkRun?.html_url ?? null,
    },
    limitsOf(scope.settings),
    deps.now(),
    // The repository's claim to the service, in the recording's transaction.
    async (owners) => {
      ownership = await claimOwnService(scope, owners);
      return ownership === undefined || ownership.accepted;
    },
  );
  if (recording.outcome === 'refused') {
    accepted(scope, `the status of deployment ${deployment.id}`, ownership);
    return;
  }
  if (recording.outcome === 'duplicate') {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; the status is recorded once`);
    return;
  }
  const { release } = recording;
  if (recording.outcome === 'redelivered') {
    // The status is recorded, but GitHub failed what followed it: each follow-up is safe to repeat.
    scope.log.info(
      `delivery ${scope.delivery.id} was recorded before; what follows the status is done again`,
    );
    await report(scope, release, {
      edit: true,
      finished: release.finishedAt !== null,
      superseded: recording.superseded,
    });
  } else {
    const line = `deployment ${deployment.id} → ${deployment.environment}: ${state} (release ${release.id})`;
    // A status that ends the release is news; one that leaves it open is only recorded.
    if (recording.ended) scope.log.info(line);
    else scope.log.debug(line);
    await report(scope, release, {
      edit: recording.previous !== release.state || recording.finished !== null,
      finished: recording.finished !== null,
      superseded: recording.finished?.superseded ?? [],
    });
    await followAdvance(scope, recording.advance);
  }
  await recordOutcome(scope, release, state);
  await advanceTracks(scope);
}

/**
 * A deployment that succeeded or failed is an outcome of its version in its environment, once
 * per deployment; an `error` (it never ran: refused, or its workflow gave up) says nothing of the
 * version and is not counted.
 */
async function recordOutcome(scope: HandlerScope, release: ReleaseRecord, state: GitHubDeploymentState) {
  const loaded = loadedConfig(scope);
  if (!loaded || release.version === null || release.deploymentId === null) return;
  if (state !== 'success' && state !== 'failure') return;
  await recordAndJudge(scope, [
    {
      service: loaded.config.service,
      version: release.version,
      environment: release.environment,
      outcome: state,
      source: 'deployment_status',
      sourceId: String(release.deploymentId),
      at: scope.deps.now(),
    },
  ]);
}

/**
 * The reply, edited when `edit` (to what is live when the release `finished`), and the deployments
 * the release `superseded` made inactive on GitHub.
 */
async function report(
  scope: HandlerScope,
  recorded: ReleaseRecord,
  { edit, finished, superseded }: { edit: boolean; finished: boolean; superseded: ReleaseRecord[] },
) {
  let release = recorded;
  // Only a reply shows the link: deployments the bot did not make are not worth the request.
  if (release.state === 'in_progress' && release.commentId !== null && release.checkRunUrl === null) {
    release = await withCheckRun(scope, release);
  }
  if (edit && release.state !== 'inactive') {
    const after = finished ? await liveAfter(scope, release) : { release, live: undefined };
    await postReply(scope, after.release, after.live);
  }
  await markSuperseded(
    scope.octokit,
    { owner: scope.owner, repo: scope.repo },
    superseded.flatMap((r) => (r.deploymentId === null ? [] : [r.deploymentId])),
    release.version,
  );
}

/** The check run the Action opened for the deployment (`tranche / <environment>` on its commit). */
async function withCheckRun(scope: HandlerScope, release: ReleaseRecord): Promise<ReleaseRecord> {
  const { data } = await scope.octokit.rest.checks.listForRef({
    owner: scope.owner,
    repo: scope.repo,
    ref: release.commit ?? '',
    check_name: checkRunName(release.environment),
    filter: 'latest',
    per_page: 1,
  });
  const url = data.check_runs[0]?.html_url;
  return url ? scope.deps.ledger.updateRelease(release.id, { checkRunUrl: url }, scope.deps.now()) : release;
}
