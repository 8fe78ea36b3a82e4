/**
 * One deploy reported to GitHub, shared by the Action and `tranche deploy --github`: a check run on
 * the commit, a deployment with its statuses, the version from the ledger (tags for `ledger:
 * github`), the engine's rollout, and the Markdown report. Observe → decide → act → report once:
 * whatever happens after the check run exists, it ends completed.
 */
import { randomUUID } from 'node:crypto';
import { createChecker } from '../checks/checker.ts';
import { environmentUrl } from '../config/environment-url.ts';
import { allAtOnce } from '../config/instant-rollback.ts';
import type { LoadedConfig } from '../config/load.ts';
import { type ResolvedEnvironment, resolveConstraints, resolveEnvironment } from '../config/resolve.ts';
import { systemClock } from '../engine/clock.ts';
import { planRelease, type ReleasePlan } from '../engine/plan.ts';
import type { ComponentSpec, EnginePorts, InventorySpec, ReleaseSpec, Reporter } from '../engine/ports.ts';
import type { DeployResult } from '../engine/result.ts';
import { runRelease } from '../engine/run-release.ts';
import type { ReasonCode, RunDecision } from '../engine/vocabulary.ts';
import { ShellExecutor } from '../exec/shell-executor.ts';
import { releaseOfRunId } from '../ledger/release-locks.ts';
import { DeployRefusedError, type Refusal } from '../release/deploy-gate.ts';
import { leaseCovering } from '../release/deploy-lock.ts';
import type { HeldLease } from '../release/environment-lease.ts';
import { type PreparedRelease, type PrepareRequest, prepareRelease } from '../release/prepare-release.ts';
import { UnknownVersionError, VersionCommitError } from '../release/settle-version.ts';
import type { VersionSource } from '../release/version-source.ts';
import { renderMarkdownSummary, renderPlanMarkdown } from '../render/markdown-summary.ts';
import { headline } from '../render/summary.ts';
import { failureAnnotations } from './annotations.ts';
import { type CheckConclusion, CheckRun, CheckRunReporter, teeReporter } from './check-run.ts';
import { type GitHubClient, httpStatus, type RepoRef, redactedMessage } from './client.ts';
import type { DeployStore } from './deploy-store.ts';
import { parseDeploymentPayload, type TrancheDeployment } from './deployment-payload.ts';
import {
  createDeployment,
  findLiveDeployment,
  type LiveDeployment,
  type Logger,
  markSuperseded,
  postDeploymentStatus,
} from './deployments.ts';
import { selectTargets } from './target-subset.ts';

export interface GitHubDeployRequest {
  client: GitHubClient;
  repo: RepoRef;
  /** The commit deployed: the check run's head_sha, the deployment's ref, the tag's target. */
  sha: string;
  /** The CLI's: the work tree had uncommitted changes (`--allow-dirty`), recorded with the run. */
  dirty?: boolean | undefined;
  /** Who starts the run, as the adapter names them (the workflow's actor, the CLI's --actor). */
  actor?: string | undefined;
  /** The config, with the targets its inventories gave when they were read (config/inventory.ts). */
  loaded: LoadedConfig & { inventory?: InventorySpec[] | undefined };
  /** The config's path from the repository root, for annotations. */
  configPath: string;
  /** Where commands run: the config's directory, as for the CLI. */
  cwd: string;
  environment: string;
  /** Where versions and records are kept and how the environment is held (deploy-store.ts). */
  store: DeployStore;
  /**
   * The deployment to execute, when a `deployment` event started the run (its payload is parsed
   * here, see deployment-payload.ts); else one is created.
   */
  deployment?: { id: number; payload: unknown } | undefined;
  /** Deploy this existing version instead of allocating one (when no deployment payload names one). */
  version?: string | undefined;
  dryRun: boolean;
  logUrl?: string | undefined;
  transientEnvironment?: boolean | undefined;
  productionEnvironment?: boolean | undefined;
  /** Aborting it cancels the run: the engine rolls back per onFailure. */
  signal: AbortSignal;
  /** The adapter's own progress output. */
  progress: Reporter;
  /**
   * Hears the run's events for notifications (src/notify), given the links this deploy has: the
   * check run, the deployment's environment and the log. Must return at once.
   */
  notices?: ((links: RunLink[]) => Reporter) | undefined;
  /** GitHub's web address, for those links; default https://github.com. */
  serverUrl?: string | undefined;
  /** The environment deploy and check commands start from. */
  baseEnv: Record<string, string | undefined>;
  log: Logger;
  /** Engine ports other than the ledger and reporter; default: shell commands, real checks, wall clock. */
  ports?: Partial<Pick<EnginePorts, 'executor' | 'checker' | 'clock'>> | undefined;
}

export interface RunLink {
  rel: string;
  title: string;
  url: string | undefined;
}

export type OutcomeDecision = RunDecision | 'planned';

export interface GitHubDeployOutcome {
  decision: OutcomeDecision;
  reasonCode: ReasonCode | 'dry_run';
  version: string | null;
  deploymentId: number | null;
  checkRunId: number | null;
  result: DeployResult | null;
  plan: ReleasePlan | null;
  /** The report, as written to the check run and the job summary. */
  markdown: string;
}

/** Thrown after the check run and deployment were closed, for a deploy that did not start or end with a result. */
export class DeploySetupError extends Error {
  override name = 'DeploySetupError';
  readonly checkRunId: number | null;
  readonly deploymentId: number | null;

  constructor(
    message: string,
    ids: { checkRunId: number | null; deploymentId: number | null },
    cause: unknown,
  ) {
    super(message, { cause });
    this.checkRunId = ids.checkRunId;
    this.deploymentId = ids.deploymentId;
  }
}

export async function deployToGitHub(request: GitHubDeployRequest): Promise<GitHubDeployOutcome> {
  const { resolved, components, payload } = await understand(request);
  if (request.dryRun) return dryRun(request, resolved, components);
  const runId = randomUUID();
  const lease = await leaseEnvironment(request, resolved.service, runId, payload, leaseCovering(components));
  try {
    return await deployLeased(request, resolved, components, payload, runId);
  } finally {
    await lease.release();
  }
}

/**
 * The run holds its environment through the store's lease port (release/environment-lease.ts) as
 * the CLI's does, for as long as its longest command may outlive it should this process die; a run carrying out a release the bot admitted says which (its deployment's
 * runId). A refusal is told to the deployment.
 */
async function leaseEnvironment(
  request: GitHubDeployRequest,
  service: string,
  runId: string,
  payload: TrancheDeployment | undefined,
  leaseMs: number,
): Promise<HeldLease> {
  const { repo, environment } = request;
  const fullName = `${repo.owner}/${repo.repo}`;
  const action = payload?.rollback ? 'rollback' : 'deploy';
  try {
    return await request.store.lease.hold(
      {
        service,
        environment,
        repo: fullName,
        declared: request.loaded.config.repositories,
        holder: `github:${runId}`,
        reason: `${action} of ${fullName}@${request.sha.slice(0, 7)}${request.logUrl ? ` (${request.logUrl})` : ''}`,
        data: { runId, repo: fullName, sha: request.sha, logUrl: request.logUrl ?? null },
        carries: releaseOfRunId(payload?.runId),
        leaseMs,
      },
      systemClock,
      (message) => request.log.warning(message),
    );
  } catch (error) {
    return tellDeployment(request, error);
  }
}

async function deployLeased(
  request: GitHubDeployRequest,
  resolved: ResolvedEnvironment,
  components: ComponentSpec[],
  payload: TrancheDeployment | undefined,
  runId: string,
): Promise<GitHubDeployOutcome> {
  const checkRun = await openCheckRun(request, runId, resolved);
  let deploymentId: number | null = request.deployment?.id ?? null;
  let prepared: Prepared;
  try {
    prepared = await prepare(request, resolved, components, runId, payload);
    deploymentId ??= await createDeployment(
      request.client,
      request.repo,
      {
        sha: request.sha,
        environment: request.environment,
        payload: {
          tranche: { schemaVersion: 1, version: prepared.spec.version, rollback: prepared.rollback, runId },
        },
        description: `${resolved.service} ${prepared.spec.version} by tranche`,
        transientEnvironment: request.transientEnvironment,
        productionEnvironment: request.productionEnvironment,
      },
      request.log,
    );
    refuseUnsafe(prepared);
    await postDeploymentStatus(request.client, request.repo, deploymentId, {
      state: 'in_progress',
      description: `deploying ${prepared.spec.version}${prepared.previousVersion ? ` (live: ${prepared.previousVersion})` : ''}`,
      logUrl: request.logUrl,
    });
  } catch (error) {
    const message = `the deploy did not start: ${redactedMessage(error)}`;
    await checkRun?.complete('failure', { title: 'did not start', summary: `### ❌ ${message}` }, []);
    if (deploymentId !== null)
      await safeStatus(request, deploymentId, { state: 'error', description: message });
    throw new DeploySetupError(message, { checkRunId: checkRun?.id ?? null, deploymentId }, error);
  }
  const reporter = checkRun ? new CheckRunReporter(checkRun, request.logUrl) : undefined;
  let result: DeployResult;
  try {
    result = await rollOut(request, prepared, reporter, checkRun?.id);
  } catch (error) {
    // The engine always ends with a result; this is a defect of ours, and GitHub still hears of it.
    const message = `the deploy stopped on an error: ${redactedMessage(error)}`;
    await checkRun?.complete('failure', { title: 'stopped', summary: `### ❌ ${message}` }, []);
    await safeStatus(request, deploymentId, { state: 'error', description: message });
    throw new DeploySetupError(message, { checkRunId: checkRun?.id ?? null, deploymentId }, error);
  }
  const events = reporter?.heard() ?? [];
  const markdown = renderMarkdownSummary(result, events, { logUrl: request.logUrl });
  await checkRun?.complete(
    conclusionOf(result.decision),
    { title: headline(result), summary: markdown },
    failureAnnotations(events, {
      loaded: request.loaded,
      path: request.configPath,
      environment: request.environment,
    }),
  );
  await reportDeployment(request, deploymentId, prepared, result);
  return {
    decision: result.decision,
    reasonCode: result.reasonCode,
    version: result.version,
    deploymentId,
    checkRunId: checkRun?.id ?? null,
    result,
    plan: null,
    markdown,
  };
}

/**
 * The environment, the targets and the deployment's payload. A deployment that asks for something
 * impossible (a bad payload, an unknown environment or target) is told so with an `error` status.
 */
async function understand(request: GitHubDeployRequest): Promise<{
  resolved: ResolvedEnvironment;
  components: ComponentSpec[];
  payload: TrancheDeployment | undefined;
}> {
  try {
    const payload = request.deployment ? parseDeploymentPayload(request.deployment.payload) : undefined;
    const resolved = resolveEnvironment(request.loaded.config, request.environment);
    return { resolved, components: selectTargets(resolved.components, payload?.targets), payload };
  } catch (error) {
    return tellDeployment(request, error);
  }
}

/** Tells the deployment that asked for the run (when one did) why it did not start; rethrows. */
async function tellDeployment(request: GitHubDeployRequest, error: unknown): Promise<never> {
  if (request.deployment) {
    await safeStatus(request, request.deployment.id, { state: 'error', description: redactedMessage(error) });
  }
  throw error;
}

interface Prepared {
  spec: ReleaseSpec;
  source: VersionSource;
  live: LiveDeployment | null;
  previousVersion: string | null;
  rollback: boolean;
  /** Why the deploy gate refuses it (refuseUnsafe tells the deployment); empty when it may go. */
  refusals: Refusal[];
  /** The environment's url template, for the success statuses' environment_url. */
  url: string | undefined;
  /** The deployment names some targets only: what ran before stays on the others. */
  subset: boolean;
}

/** Find what is live, settle the version (allocate, or the one the deployment names), build the spec. */
async function prepare(
  request: GitHubDeployRequest,
  resolved: ResolvedEnvironment,
  components: ComponentSpec[],
  runId: string,
  payload: TrancheDeployment | undefined,
): Promise<Prepared> {
  const { client, repo, sha } = request;
  const live = await findLiveDeployment(client, repo, request.environment);
  const source = request.store.versionSource({ live, resolved });
  const rollback = payload?.rollback ?? false;
  const action = rollback ? 'rollback' : 'deploy';
  const { version, commit, constraints, previousVersion, refusals } = await preparedRelease(source, {
    service: resolved.service,
    environment: request.environment,
    named: payload?.version ?? request.version,
    commit: sha,
    template: resolved.versionTemplate,
    action,
    configured: resolveConstraints(request.loaded.config),
    now: Date.now(),
  });
  request.log.info(
    `${rollback ? 'rolling back to' : 'deploying'} ${resolved.service} ${version} (commit ${commit}) → ${request.environment}`,
  );
  const spec: ReleaseSpec = {
    runId,
    service: resolved.service,
    environment: request.environment,
    environmentLabels: resolved.labels,
    version,
    commit,
    ...(request.dirty ? { dirty: true } : {}),
    cwd: request.cwd,
    components: rollback ? components.map(allAtOnce) : components,
    onFailure: rollback ? 'halt' : resolved.onFailure,
    action,
    inventory: request.loaded.inventory,
    constraints,
    actor: request.actor,
  };
  const subset = payload?.targets !== undefined;
  return { spec, source, live, previousVersion, rollback, refusals, url: resolved.url, subset };
}

/**
 * Refuses, before anything runs, a version with a bad verdict or one that would break a
 * dependency constraint (release/deploy-gate.ts); the caller closes the check run as failed and
 * the deployment with an `error` status naming the refusal.
 */
function refuseUnsafe(prepared: Prepared): void {
  const { spec } = prepared;
  if (prepared.refusals.length > 0) {
    const gate = { service: spec.service, environment: spec.environment, version: spec.version };
    throw new DeployRefusedError({ ...gate, action: spec.action ?? 'deploy' }, prepared.refusals);
  }
}

/** The release prepared (release/prepare-release.ts), a version it cannot settle worded for the deployment. */
async function preparedRelease(
  source: VersionSource,
  request: PrepareRequest & { commit: string },
): Promise<PreparedRelease & { commit: string }> {
  try {
    const prepared = await prepareRelease(source, request);
    return { ...prepared, commit: prepared.commit ?? request.commit };
  } catch (error) {
    if (error instanceof UnknownVersionError) {
      throw new Error(`${error.service} ${error.version} is not a version the ledger knows`, {
        cause: error,
      });
    }
    if (error instanceof VersionCommitError) {
      throw new Error(
        `${request.service} ${error.version} was built from commit ${error.built.slice(0, 12)}, but this deployment is of ${error.deployed.slice(0, 12)}: ` +
          'deploy the commit the version was built from, or name no version to allocate a new one',
        { cause: error },
      );
    }
    throw error;
  }
}

async function rollOut(
  request: GitHubDeployRequest,
  prepared: Prepared,
  reporter: CheckRunReporter | undefined,
  checkRunId: number | undefined,
): Promise<DeployResult> {
  const reporters = [request.progress, ...(reporter ? [reporter] : [])];
  if (request.notices) reporters.push(request.notices(runLinks(request, checkRunId)));
  const executor = request.ports?.executor ?? new ShellExecutor({ baseEnv: request.baseEnv });
  const ports: EnginePorts = {
    executor,
    checker: request.ports?.checker ?? createChecker({ executor, env: request.baseEnv }),
    ledger: prepared.source.ledger,
    reporter: teeReporter(...reporters),
    clock: request.ports?.clock ?? systemClock,
  };
  return runRelease(prepared.spec, ports, {
    previousVersion: prepared.previousVersion,
    signal: request.signal,
  });
}

/** Where a person looks at this run on GitHub: its check run, its environment's deployments, its log. */
function runLinks(request: GitHubDeployRequest, checkRunId: number | undefined): RunLink[] {
  const repo = `${request.serverUrl ?? 'https://github.com'}/${request.repo.owner}/${request.repo.repo}`;
  return [
    {
      rel: 'check_run',
      title: 'Check run',
      url: checkRunId === undefined ? undefined : `${repo}/runs/${checkRunId}`,
    },
    {
      rel: 'deployment',
      title: 'Deployment',
      url: `${repo}/deployments/${encodeURIComponent(request.environment)}`,
    },
    { rel: 'log', title: 'Log', url: request.logUrl },
  ];
}

/**
 * The final deployment status. After a complete rollback of the release, the deployment that was
 * live before gets a new `success` status: GitHub shows the newest successful deployment of an
 * environment as its active one, so this makes the version the targets run again the active one.
 * After a success on every target, the deployment that was live before is marked inactive, as the
 * bot does (after one on some targets only, it still runs on the others). Every success status
 * links the environment's url for the version it is of.
 */
async function reportDeployment(
  request: GitHubDeployRequest,
  deploymentId: number,
  prepared: Prepared,
  result: DeployResult,
): Promise<void> {
  const { live } = prepared;
  const restored =
    result.decision !== 'succeeded' &&
    live !== null &&
    live.id !== deploymentId &&
    prepared.spec.onFailure === 'rollback-release' &&
    result.rolledBack.length > 0 &&
    result.rolledBack.every((r) => r.status === 'rolled_back' && r.to === live.version);
  const state =
    result.decision === 'succeeded' ? 'success' : result.decision === 'cancelled' ? 'error' : 'failure';
  const prefix = result.decision === 'succeeded' ? '' : `${result.decision.replace('_', ' ')}: `;
  const suffix = restored ? `; ${live.version} is active again` : '';
  await safeStatus(request, deploymentId, {
    state,
    description: `${prefix}${result.message}${suffix}`,
    logUrl: request.logUrl,
    environmentUrl: state === 'success' ? urlOf(prepared, result.version) : undefined,
  });
  if (restored) {
    await safeStatus(request, live.id, {
      state: 'success',
      description: `active again: ${result.version} was rolled back to ${live.version}`,
      logUrl: request.logUrl,
      environmentUrl: urlOf(prepared, live.version),
    });
  }
  if (state === 'success' && !prepared.subset && live !== null && live.id !== deploymentId) {
    try {
      await markSuperseded(request.client, request.repo, [live.id], result.version);
    } catch (error) {
      request.log.warning(`could not mark deployment ${live.id} inactive: ${redactedMessage(error)}`);
    }
  }
}

/** The environment's url for `version`; undefined without a url or a version. */
function urlOf(prepared: Prepared, version: string | null): string | undefined {
  if (prepared.url === undefined || version === null) return undefined;
  const { service, environment } = prepared.spec;
  return environmentUrl(prepared.url, { version, service, environment });
}

/** A status that is a report, not a step: a failure is logged, never thrown. */
async function safeStatus(
  request: GitHubDeployRequest,
  deploymentId: number,
  update: Parameters<typeof postDeploymentStatus>[3],
): Promise<void> {
  try {
    await postDeploymentStatus(request.client, request.repo, deploymentId, update);
  } catch (error) {
    request.log.warning(`could not post the deployment status ${update.state}: ${redactedMessage(error)}`);
  }
}

/** A check run is a report: one that cannot be created is a warning, and the deploy goes on. */
async function openCheckRun(
  request: GitHubDeployRequest,
  runId: string,
  resolved: ResolvedEnvironment,
): Promise<CheckRun | undefined> {
  try {
    return await CheckRun.create(
      request.client,
      request.repo,
      {
        environment: request.environment,
        sha: request.sha,
        runId,
        detailsUrl: request.logUrl,
        output: {
          title: `deploying ${resolved.service}`,
          summary: `### 🚧 ${resolved.service} → ${request.environment}: starting`,
        },
      },
      request.log,
    );
  } catch (error) {
    // A refusal is most often the workflow's permissions; anything else says so itself.
    const hint = httpStatus(error) === 403 ? ' (does the token have checks: write?)' : '';
    request.log.warning(`could not create the check run${hint}: ${redactedMessage(error)}`);
    return undefined;
  }
}

async function dryRun(
  request: GitHubDeployRequest,
  resolved: ResolvedEnvironment,
  components: ComponentSpec[],
): Promise<GitHubDeployOutcome> {
  const plan = planRelease(resolved.service, request.environment, components);
  const markdown = renderPlanMarkdown(plan, resolved.onFailure, { logUrl: request.logUrl });
  for (const component of plan.components) {
    request.log.info(
      `would deploy ${component.name} in ${component.batches.length} batch(es): ${component.batches.map((b) => b.targets.length).join(', ')} target(s)`,
    );
  }
  const checkRun = await openCheckRun(request, randomUUID(), resolved);
  await checkRun?.complete(
    'neutral',
    { title: `dry run: ${resolved.service} → ${request.environment}`, summary: markdown },
    [],
  );
  return {
    decision: 'planned',
    reasonCode: 'dry_run',
    version: null,
    deploymentId: null,
    checkRunId: checkRun?.id ?? null,
    result: null,
    plan,
    markdown,
  };
}

export function conclusionOf(decision: RunDecision): CheckConclusion {
  if (decision === 'succeeded') return 'success';
  return decision === 'cancelled' ? 'cancelled' : 'failure';
}
