/**
 * `deployment_protection_rule.requested`: the bot as a GitHub custom deployment protection rule.
 * When a workflow job that deploys to an environment waits on the rule, the bot judges the
 * version by the deploy gate (release-gate.ts: a bad verdict, an unmet dependency constraint)
 * and approves or rejects it through "review custom deployment protection rules for a workflow
 * run" (the run named by the event's deployment_callback_url), saying why. The version is the
 * deployment payload's (a Tranche deployment), else the version the bot knows the commit as; a
 * commit that is no known version yet (the Action on push allocates one as it starts, and its
 * own gate checks it then) has nothing to refuse and is approved, saying so. An invalid
 * tranche.yml is rejected: the rule cannot judge without it. The delivery is claimed first, so
 * a redelivery answers once; when judging or the review fails (after Octokit's own retries), the
 * claim is given up, so that redelivering the webhook (GitHub does not by itself: the app's
 * Advanced settings, or its redeliver API) answers the waiting run.
 */
import type { Context } from 'probot';
import { type BotDeps, type HandlerScope, loadedConfig } from '../bot-scope.ts';
import { trancheOf } from '../github/tranche-payload.ts';
import { releaseRefusal } from '../releases/release-gate.ts';
import { versionOfCommit } from '../releases/version-records.ts';
import { handlerScope } from './on-comment.ts';

type Review = { state: 'approved' | 'rejected'; comment: string };

export async function onProtectionRule(
  context: Context<'deployment_protection_rule.requested'>,
  deps: BotDeps,
): Promise<void> {
  const { environment, deployment_callback_url: callback, deployment, repository } = context.payload;
  const runId = callback ? callbackRunId(callback, repository.full_name) : undefined;
  if (!environment || runId === undefined) {
    context.log.warn(
      `deployment protection rule in ${repository.full_name}: no environment or no callback for this repository's run (${callback ?? 'none'}); not answered`,
    );
    return;
  }
  const scope = await handlerScope(context, deps);
  if (!(await deps.ledger.claimDelivery(scope.delivery))) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; the rule is answered once`);
    return;
  }
  try {
    const review = await judge(scope, environment, deployment?.sha ?? null, deployment?.payload);
    await scope.octokit.rest.actions.reviewCustomGatesForRun({
      owner: scope.owner,
      repo: scope.repo,
      run_id: runId,
      environment_name: environment,
      state: review.state,
      comment: review.comment,
    });
    scope.log.info(
      `deployment protection rule, run ${runId} → ${environment}: ${review.state}: ${review.comment}`,
    );
  } catch (error) {
    // Unanswered, the run waits until GitHub gives up on it: let a redelivery answer it.
    await deps.ledger.forgetDelivery(scope.delivery.id);
    scope.log.warn(
      `deployment protection rule, run ${runId} → ${environment}: not answered (${(error as Error).message}); a redelivery will answer`,
    );
    throw error;
  }
}

async function judge(
  scope: HandlerScope,
  environment: string,
  commit: string | null,
  payload: unknown,
): Promise<Review> {
  if (scope.config.state === 'missing') {
    return {
      state: 'approved',
      comment: `Tranche: no ${scope.config.path} on the default branch, nothing to check`,
    };
  }
  const loaded = loadedConfig(scope);
  if (!loaded) {
    const why = scope.config.state === 'invalid' ? scope.config.message : 'it could not be read';
    return { state: 'rejected', comment: `Tranche: tranche.yml on the default branch is not valid: ${why}` };
  }
  const service = loaded.config.service;
  const tranche = trancheOf(payload);
  const version = tranche?.version ?? (commit ? await versionOfCommit(scope, service, commit) : null);
  if (version === null) {
    const what = commit ? `commit ${commit.slice(0, 7)}` : 'the deployment';
    return {
      state: 'approved',
      comment: `Tranche: ${what} is no known version of ${service} yet, nothing to refuse`,
    };
  }
  const kind = tranche?.rollback ? 'rollback' : 'deploy';
  const refusal = await releaseRefusal(scope, { service, environment, version, kind });
  if (refusal) return { state: 'rejected', comment: `Tranche: ${refusal}` };
  return {
    state: 'approved',
    comment: `Tranche: ${service} ${version} has no bad verdict and meets every dependency constraint in ${environment}`,
  };
}

/** The workflow run a callback URL reviews, when it belongs to `fullName`; undefined otherwise. */
export function callbackRunId(callback: string, fullName: string): number | undefined {
  let path: string;
  try {
    path = new URL(callback).pathname;
  } catch {
    return undefined;
  }
  const match = /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(path);
  if (!match || `${match[1]}/${match[2]}`.toLowerCase() !== fullName.toLowerCase()) return undefined;
  return Number(match[3]);
}
