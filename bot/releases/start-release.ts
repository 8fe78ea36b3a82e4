/**
 * Starting a release the ledger admitted, prepared as every front door prepares one
 * (prepare.ts): its version (numbered now for a deploy of the next one), the deploy gate (a bad
 * verdict, an unmet dependency constraint: checked again here, as a queued release may have
 * waited while its version turned bad), the reply with the plan, then the
 * GitHub deployment the Action's `on: deployment` workflow executes (only the release's targets,
 * when it is for a ring of a release track). A release the gate refuses,
 * or a deployment GitHub refuses (failed status checks, a protection rule), ends with a 😕 reply
 * and frees its place for the next in the queue.
 */
import { environmentUrl } from '../../src/config/environment-url.ts';
import { configName } from '../../src/config/location.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';
import { planRelease } from '../../src/engine/plan.ts';
import { redactedMessage } from '../../src/github/client.ts';
import { deploymentPayload } from '../../src/github/deployment-payload.ts';
import { createDeployment, postDeploymentStatus } from '../../src/github/deployments.ts';
import { selectTargets } from '../../src/github/target-subset.ts';
import { releaseRunId } from '../../src/ledger/release-locks.ts';
import type { QueueAdvance, ReleaseRecord, ReportClaim } from '../../src/ledger/types.ts';
import type { Success } from '../../src/release/live-version.ts';
import { deploymentLogger, type HandlerScope, limitsOf, loadedConfig } from '../bot-scope.ts';
import { editReply, reply } from '../github/replies.ts';
import { actorText, isBotActor } from '../render/actor.ts';
import { planSummary } from '../render/plan-summary.ts';
import { renderReleaseReply } from '../render/release-reply.ts';
import { liveAfter } from './deployment-history.ts';
import { prepareBotRelease } from './prepare.ts';

/**
 * Reports what the queue expired and starts what it started. `claims` are the reports the caller
 * has claimed already (the sweep's); the others are claimed here.
 */
export async function followAdvance(
  scope: HandlerScope,
  advance: QueueAdvance,
  claims: ReadonlyMap<number, ReportClaim> = new Map(),
): Promise<void> {
  for (const release of advance.expired) await reportExpired(scope, release, claims.get(release.id));
  for (const release of advance.started) await startRelease(scope, release);
}

export async function startRelease(scope: HandlerScope, admitted: ReleaseRecord): Promise<void> {
  const { ledger, now } = scope.deps;
  let release = admitted;
  try {
    const loaded = loadedConfig(scope);
    if (!loaded)
      throw new Error(
        `${scope.config.state === 'missing' ? 'there is no' : 'an invalid'} ${configName(scope.deps.configPaths)} on the default branch`,
      );
    const resolved = resolveEnvironment(loaded.config, release.environment, { unread: 'no-targets' });
    const prepared = await prepareBotRelease(scope, loaded.config, {
      environment: release.environment,
      kind: release.kind,
      version: release.version ?? undefined,
      commit: release.commit,
    });
    if (typeof prepared === 'string') throw new GateRefusal(prepared);
    const { version } = prepared;
    const commit = prepared.commit ?? '';
    // A ring's release rolls out to its targets only, as the Action does with payload.tranche.targets.
    const components = selectTargets(resolved.components, release.targets ?? undefined);
    const plan = planSummary(planRelease(resolved.service, release.environment, components));
    release = await ledger.updateRelease(release.id, { version, plan }, now());
    release = await postReply(scope, release);
    const payload = deploymentPayload({
      schemaVersion: 1,
      version,
      rollback: release.kind === 'rollback',
      ...(release.targets ? { targets: release.targets } : {}),
      ...(release.track ? { track: release.track } : {}),
      ...(release.requestedBy ? { requestedBy: release.requestedBy } : {}),
    });
    const deploymentId = await createDeployment(
      scope.octokit,
      { owner: scope.owner, repo: scope.repo },
      {
        sha: commit,
        environment: release.environment,
        payload: { tranche: { ...payload.tranche, runId: releaseRunId(release.id) } },
        description: describeDeployment(resolved.service, version, release),
        requiredContexts: scope.settings.requiredContexts ?? 'all',
      },
      deploymentLogger(scope.log),
    );
    await ledger.updateRelease(release.id, { deploymentId }, now());
    scope.log.info(
      `release ${release.id}: deployment ${deploymentId} of ${version} → ${release.environment}`,
    );
  } catch (error) {
    const message =
      error instanceof GateRefusal
        ? error.message
        : `GitHub did not take the deployment: ${redactedMessage(error)}`;
    scope.log.warn(`release ${release.id}: ${message}`);
    const finished = await ledger.abortRelease(release.id, message, now());
    const after = await liveAfter(scope, finished.release);
    await postReply(scope, after.release, after.live);
    await followAdvance(scope, await ledger.advanceQueue(scope.fullName, limitsOf(scope.settings), now()));
  }
}

/** The deploy gate refused a release as it started: it ends with the refusal, nothing is created. */
class GateRefusal extends Error {
  override name = 'GateRefusal';
}

/**
 * A release whose workflow never reported: its deployment gets an error status, its reply a 😕.
 * The ledger holds the report owed from the expiry until it is made, and whoever makes it claims
 * it first (or was handed the claim). A report GitHub fails is tried again later, 1, 5, 15 and 60
 * minutes on, then given up with an error line; it never stops what follows (the queue, verdicts,
 * promotions).
 */
async function reportExpired(scope: HandlerScope, release: ReleaseRecord, claimed?: ReportClaim) {
  const { ledger, now } = scope.deps;
  const claim = claimed ?? (await ledger.claimReleaseReport(release.id, REPORT_LEASE_MS, now()));
  if (!claim) return;
  scope.log.warn(`release ${release.id} → ${release.environment}: ${release.description ?? 'expired'}`);
  try {
    if (release.deploymentId !== null) {
      await postDeploymentStatus(
        scope.octokit,
        { owner: scope.owner, repo: scope.repo },
        release.deploymentId,
        {
          state: 'error',
          description: release.description ?? 'no deployment status before the lease ran out',
        },
      );
    }
    const after = await liveAfter(scope, release);
    await postReply(scope, after.release, after.live);
  } catch (error) {
    const wait = reportRetryAfter(claim.tries);
    await ledger.releaseReportFailed(release.id, claim, wait === undefined ? null : now() + wait);
    const message = redactedMessage(error);
    if (wait === undefined) {
      scope.log.warn(
        `release ${release.id}: GitHub did not take the report of its expiry after ${claim.tries} tries (${message}); given up`,
      );
    } else {
      scope.log.warn(
        `release ${release.id}: GitHub did not take the report of its expiry (${message}); trying again in ${wait / 60_000} min`,
      );
    }
    return;
  }
  await ledger.releaseReported(release.id, claim);
}

/** How long a process has the report it claimed: past that, another makes it (this one died). */
export const REPORT_LEASE_MS = 10 * 60_000;
/** After each failed try of a report, the wait before the next; then it is given up. */
const REPORT_RETRY_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** The wait after a report's `tries`-th try failed; undefined when that was its last. */
export function reportRetryAfter(tries: number): number | undefined {
  return REPORT_RETRY_MS[tries - 1];
}

/** Writes the release's reply: a new comment the first time, an edit of it afterwards. */
export async function postReply(
  scope: HandlerScope,
  release: ReleaseRecord,
  live?: Success | null,
): Promise<ReleaseRecord> {
  if (release.pullRequest === null) return release;
  const body = renderReleaseReply(release, {
    htmlUrl: scope.htmlUrl,
    live,
    prefix: scope.settings.prefix,
    concurrentReleases: scope.settings.concurrentReleases,
    environmentUrl: releaseUrl(scope, release),
  });
  if (release.commentId !== null) {
    await editReply(scope, release.commentId, body);
    return release;
  }
  const commentId = await reply(scope, release.pullRequest, body);
  return scope.deps.ledger.updateRelease(release.id, { commentId }, scope.deps.now());
}

/** The environment's url (tranche.yml on the default branch) for the release's version. */
function releaseUrl(scope: HandlerScope, release: ReleaseRecord): string | undefined {
  const config = loadedConfig(scope)?.config;
  const template =
    config && Object.hasOwn(config.environments, release.environment)
      ? config.environments[release.environment]?.url
      : undefined;
  if (template === undefined || release.version === null || !config) return undefined;
  return environmentUrl(template, {
    version: release.version,
    service: config.service,
    environment: release.environment,
  });
}

function describeDeployment(service: string, version: string, release: ReleaseRecord): string {
  const what = `${service} ${version}${release.kind === 'rollback' ? ' (rollback)' : ''}`;
  const from = release.pullRequest !== null ? ` from #${release.pullRequest}` : '';
  if (release.requestedBy && isBotActor(release.requestedBy)) {
    return `${what} for ${actorText(release.requestedBy)}${from}`;
  }
  const by = release.requestedBy ? ` for ${actorText(release.requestedBy)}` : '';
  return `${what}${by}${from}, by the Tranche bot`;
}
