/**
 * `deployment_status.created`: the Action (or anyone) reports on a Tranche deployment. The ledger
 * records it in one transaction with the delivery's claim; then the reply is edited (🚧, then 🚀
 * or 😕), a success makes the environment's earlier successful deployments inactive on GitHub,
 * and whatever the queue can now start starts. A success or failure is an outcome of the version
 * there (its verdict is judged again), and the promotion timer's work runs: a track that became
 * healthy on a version starts its bake.
 */
import type { Context } from 'probot';
import { checkRunName } from '../../src/github/check-run.ts';
import { markSuperseded } from '../../src/github/deployments.ts';
import type { GitHubDeploymentState, ReleaseRecord, StatusRecording } from '../../src/ledger/types.ts';
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
    context.log.info(
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
  scope.log.info(
    `deployment ${deployment.id} → ${deployment.environment}: ${state} (release ${recording.release.id})`,
  );
  await report(scope, recording);
  await followAdvance(scope, recording.advance);
  await recordOutcome(scope, recording.release, state);
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

async function report(scope: HandlerScope, recording: Extract<StatusRecording, { outcome: 'recorded' }>) {
  let { release } = recording;
  // Only a reply shows the link: deployments the bot did not make are not worth the request.
  if (release.state === 'in_progress' && release.commentId !== null && release.checkRunUrl === null) {
    release = await withCheckRun(scope, release);
  }
  const changed = recording.previous !== release.state || recording.finished !== null;
  if (changed && release.state !== 'inactive') {
    const after = recording.finished ? await liveAfter(scope, release) : { release, live: undefined };
    await postReply(scope, after.release, after.live);
  }
  await markSuperseded(
    scope.octokit,
    { owner: scope.owner, repo: scope.repo },
    (recording.finished?.superseded ?? []).flatMap((r) => (r.deploymentId === null ? [] : [r.deploymentId])),
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
