/**
 * What the bot does once a version's standing verdict is bad or good, once per verdict: a claim
 * on `verdict:<repo>:<service>:<version>:<verdict>:<overrides so far>` makes any number of
 * replicas, outcomes and redeliveries act once, and a later override (mark-good, mark-bad again)
 * acts anew. A reaction GitHub failed gives up its claim, so the next judging acts again.
 *
 * Bad: the explanation (evidence table, plot, rollbacks) in the thread given, else the pull
 * request that deployed the version, else a new issue; the commit status `tranche/verdict`
 * failure on its commit, linking there; then the rollbacks `verdict.rollback` chooses
 * (rollbackChoices), each a rollback release through the queue to that environment's last good
 * version. Further deploys and promotions are refused by the gate, which reads the verdict.
 * Good: the commit status success.
 */
import type { ComputedVerdict, RollbackPolicy } from '../../src/engine/verdict.ts';
import { rollbackChoices } from '../../src/engine/verdict.ts';
import type { VerdictRecord } from '../../src/ledger/fleet-types.ts';
import { environmentsRunning } from '../../src/release/live-version.ts';
import { verdictBadNotice } from '../../src/release/notices.ts';
import { badVersions } from '../../src/release/track-state.ts';
import { type HandlerScope, loadedConfig, releaseNotifier } from '../bot-scope.ts';
import { setVerdictStatus } from '../github/commit-status.ts';
import { openIssue, post } from '../github/replies.ts';
import { admit } from '../releases/admit.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { deployingThread, versionCommit } from '../releases/version-records.ts';
import type { VersionTarget } from '../releases/versions.ts';
import { BOT_ACTORS } from '../render/actor.ts';
import { type RollbackPlan, renderVerdictExplanation } from '../render/verdict-explanation.ts';
import { lastGoodVersion } from './rollback-targets.ts';

export interface VerdictReaction {
  /** The issue or pull request the explanation went to (bad verdicts). */
  thread: number | null;
  url: string | null;
  rollbacks: RollbackPlan[];
}

export interface ReactRequest {
  service: string;
  version: string;
  standing: VerdictRecord;
  computed: ComputedVerdict;
  policy: RollbackPolicy;
  /** Explain a bad verdict here (the thread of a /mark-bad); default: where the version was deployed. */
  thread?: number | undefined;
}

/** Acts on the standing verdict, if nobody has for this verdict yet; null when there was nothing to do. */
export async function reactToVerdict(
  scope: HandlerScope,
  request: ReactRequest,
): Promise<VerdictReaction | null> {
  const { ledger, now } = scope.deps;
  const { service, version, standing } = request;
  if (standing.verdict === 'pending') return null;
  const records = await ledger.verdicts(service, version);
  const overrides = records.filter((r) => r.kind === 'override').length;
  const id = `verdict:${scope.fullName}:${service}:${version}:${standing.verdict}:${overrides}`;
  if (!(await ledger.claimDelivery({ id, repo: scope.fullName, event: 'verdict', at: now() }))) return null;
  scope.log.info(`${service} ${version}: verdict ${standing.verdict} (${standing.message})`);
  try {
    const commit = await versionCommit(scope, service, version);
    if (standing.verdict === 'good') {
      if (commit)
        await setVerdictStatus(scope, commit, { state: 'success', description: `good: ${standing.message}` });
      return { thread: null, url: null, rollbacks: [] };
    }
    return await reactToBad(scope, request, id, commit);
  } catch (error) {
    // Not acted on in full: the next judging (the sweep's, as the version stays unjudged) acts
    // again. The explanation may then be posted twice; each rollback is claimed on its own.
    await ledger.forgetDelivery(id);
    throw error;
  }
}

async function reactToBad(
  scope: HandlerScope,
  request: ReactRequest,
  id: string,
  commit: string | undefined,
): Promise<VerdictReaction> {
  const { service, version, standing, computed, policy } = request;
  const planned = await rollbackPlan(scope, request);
  const rollbacks = planned.map((p) => p.plan);
  const body = renderVerdictExplanation({
    service,
    version,
    standing,
    evidence: computed.evidence,
    policy,
    rollbacks,
    prefix: scope.settings.prefix,
  });
  const where = request.thread ?? (await deployingThread(scope, version));
  const posted =
    where !== null
      ? { number: where, url: (await post(scope, where, body)).url }
      : await openIssue(scope, `${service} ${version} is bad`, body);
  if (commit) {
    await setVerdictStatus(scope, commit, {
      state: 'failure',
      description: `bad: ${standing.message}`,
      targetUrl: posted.url,
    });
  } else scope.log.warn(`${service} ${version}: its commit is not known; no commit status`);
  const loaded = loadedConfig(scope);
  releaseNotifier(scope).notify(
    verdictBadNotice({
      service,
      version,
      commit: commit ?? null,
      who: standing.actor,
      message: standing.message,
      environments: loaded ? Object.keys(loaded.config.environments) : [],
      explanationUrl: posted.url,
      at: scope.deps.now(),
    }),
  );
  for (const { plan: r, target } of planned) {
    if (!target) continue;
    await admit(
      scope,
      {
        delivery: {
          id: `${id}:rollback:${r.environment}`,
          repo: scope.fullName,
          event: 'verdict',
          at: scope.deps.now(),
        },
        repo: scope.fullName,
        installationId: scope.installationId,
        environment: r.environment,
        service,
        kind: 'rollback',
        version: target.version,
        commit: target.commit,
        requestedBy: BOT_ACTORS.verdict,
        pullRequest: posted.number,
      },
      `the rollback of ${service} ${version} in ${r.environment}`,
    );
  }
  return { thread: posted.number, url: posted.url, rollbacks };
}

/** Per environment running the version: roll back or not (the policy), and to what. */
async function rollbackPlan(
  scope: HandlerScope,
  request: ReactRequest,
): Promise<{ plan: RollbackPlan; target: VersionTarget | undefined }[]> {
  const loaded = loadedConfig(scope);
  const environments = loaded ? Object.keys(loaded.config.environments) : [];
  const { service, version } = request;
  const liveOn = await environmentsRunning(deploymentHistory(scope), { service, environments, version });
  const choices = rollbackChoices(request.policy, request.computed.evidence, liveOn);
  const bad = new Set([request.version, ...badVersions(await scope.deps.ledger.verdicts(request.service))]);
  const plans: { plan: RollbackPlan; target: VersionTarget | undefined }[] = [];
  for (const choice of choices) {
    const target = choice.rollBack
      ? await lastGoodVersion(scope, { service: request.service, environment: choice.environment, bad })
      : undefined;
    plans.push({ plan: { ...choice, to: target?.version ?? null }, target });
  }
  return plans;
}
