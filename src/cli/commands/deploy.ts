import { randomUUID } from 'node:crypto';
import { createChecker } from '../../checks/checker.ts';
import type { ReadConfig } from '../../config/inventory.ts';
import { type ResolvedEnvironment, resolveConstraints, resolveEnvironment } from '../../config/resolve.ts';
import { systemClock } from '../../engine/clock.ts';
import type { ReleaseSpec, Reporter } from '../../engine/ports.ts';
import type { DeployResult } from '../../engine/result.ts';
import { runRelease } from '../../engine/run-release.ts';
import type { RunProcessRecord } from '../../exec/run-processes.ts';
import { ShellExecutor } from '../../exec/shell-executor.ts';
import type { Ledger } from '../../ledger/types.ts';
import type { Notifier } from '../../notify/notifier.ts';
import { DeployRefusedError } from '../../release/deploy-gate.ts';
import { ownedHistory } from '../../release/deployment-records.ts';
import { ledgerSource } from '../../release/ledger-source.ts';
import { type PreparedRelease, type PrepareRequest, prepareRelease } from '../../release/prepare-release.ts';
import { UnknownVersionError, VersionCommitError } from '../../release/settle-version.ts';
import type { VersionSource } from '../../release/version-source.ts';
import { createReporter, isCi } from '../../render/progress.ts';
import { runActor } from '../actor.ts';
import { withDeployLock } from '../deploy-lock.ts';
import { chosenCommit, inspectWorkTree } from '../git.ts';
import { cliNotifier, cliRunNotices, drainingAfter } from '../notify.ts';
import {
  type CommonOptions,
  chooseEnvironment,
  loadProject,
  type Project,
  projectCommandEnv,
  readProjectInventory,
  withLedger,
} from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { deployWithGitHub } from './deploy-github.ts';
import type { DeployOptions } from './deploy-options.ts';
import { report } from './report-result.ts';

/**
 * Exit codes: 0 live everywhere, 1 failed (rolled back, halted or cancelled), 2 bad config or
 * usage, or refused before it started (a bad verdict, an unmet dependency constraint, the
 * environment held by another run or locked with the bot's /lock: see deploy-lock.ts).
 */
export async function deployCommand(options: DeployOptions, runtime: Runtime): Promise<number> {
  const loadedProject = await loadProject(options, runtime);
  const environment = chooseEnvironment(loadedProject, options);
  const project = await readProjectInventory(loadedProject, environment, options, runtime);
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const { commit, dirty } = await traceableCommit(options, project.dir);
  const actor = runActor(options.actor, runtime);
  if (options.github !== undefined)
    return deployWithGitHub({ ...options, github: options.github }, runtime, project, {
      commit,
      dirty,
      actor,
    });
  const notifier = cliNotifier(project, runtime, options);
  return drainingAfter(notifier, () =>
    deployLocally(options, runtime, project, { environment, resolved, commit, dirty, actor }, notifier),
  );
}

async function deployLocally(
  options: DeployOptions,
  runtime: Runtime,
  project: Project & { loaded: ReadConfig },
  what: {
    environment: string;
    resolved: ResolvedEnvironment;
    commit: string | null;
    dirty: boolean;
    actor: string;
  },
  notifier: Notifier,
): Promise<number> {
  const { environment, resolved, commit, dirty, actor } = what;
  const runId = randomUUID();
  const run = {
    service: resolved.service,
    repositories: project.loaded.config.repositories,
    environment,
    action: 'deploy',
    runId,
    components: resolved.components,
    actor,
  } as const;
  return withLedger(options, runtime, project.dir, (ledger) =>
    withDeployLock(ledger, run, runtime, async (groups) => {
      const source = ledgerSource(ledger, ownedHistory(ledger));
      const { version, constraints, refusals, previousVersion } = await preparedRelease(source, {
        service: resolved.service,
        environment,
        named: options.version,
        commit,
        template: resolved.versionTemplate,
        action: 'deploy',
        configured: resolveConstraints(project.loaded.config),
        now: Date.now(),
      });
      if (refusals.length > 0) throw new DeployRefusedError({ ...run, version }, refusals);
      const spec: ReleaseSpec = {
        runId,
        service: resolved.service,
        environment,
        environmentLabels: resolved.labels,
        version,
        commit,
        dirty,
        cwd: project.dir,
        components: resolved.components,
        onFailure: resolved.onFailure,
        inventory: project.loaded.inventory,
        constraints,
        actor,
      };
      const result = await execute(spec, ledger, options, runtime, {
        env: projectCommandEnv(project, options, runtime, notifier.secrets),
        groups,
        notices: cliRunNotices(notifier, runtime, actor),
        previousVersion,
      });
      report(result, options, runtime);
      return result.decision === 'succeeded' ? 0 : 1;
    }),
  );
}

/** The release prepared (release/prepare-release.ts), a version it cannot settle worded as --version's errors. */
async function preparedRelease(source: VersionSource, request: PrepareRequest): Promise<PreparedRelease> {
  try {
    return await prepareRelease(source, request);
  } catch (error) {
    if (error instanceof UnknownVersionError) {
      throw new UsageError(
        `--version ${error.version}: no such version of ${error.service} in the ledger; allocate one with \`tranche version next\`, or leave --version out`,
      );
    }
    if (error instanceof VersionCommitError) {
      throw new UsageError(
        `--version ${error.version} was built from commit ${error.built.slice(0, 12)}, but this deploy is of ${error.deployed.slice(0, 12)}: check that commit out, or pass --commit ${error.built}`,
      );
    }
    throw error;
  }
}

/**
 * Every deploy is traceable to a commit: refuse uncommitted changes unless --allow-dirty. In a git
 * work tree --commit must name a commit of the repository, recorded by its full SHA; outside one
 * it is taken as given.
 */
async function traceableCommit(options: DeployOptions, dir: string) {
  const tree = await inspectWorkTree(dir);
  if (tree && tree.dirty.length > 0 && !options.allowDirty) {
    throw new UsageError(
      `uncommitted changes in ${dir} (${tree.dirty.length} file(s), e.g. ${tree.dirty[0]?.trim()}): ` +
        'commit them so the deploy is traceable, or pass --allow-dirty',
    );
  }
  return { commit: await chosenCommit(dir, options.commit, tree), dirty: (tree?.dirty.length ?? 0) > 0 };
}

/** Run the release, cancelling it (with rollback per onFailure) on SIGINT or SIGTERM. */
export async function execute(
  spec: ReleaseSpec,
  ledger: Ledger,
  options: CommonOptions,
  runtime: Runtime,
  commands: {
    /** The environment commands start from (projectCommandEnv). */
    env: Record<string, string | undefined>;
    /** Where the run's commands' process groups are written down, for the next run should this one die. */
    groups: RunProcessRecord;
    /** Hears the run's events for notifications; returns at once. */
    notices: Reporter;
    /** The environment's live version before the run (prepareRelease's). */
    previousVersion: string | null;
  },
): Promise<DeployResult> {
  const controller = new AbortController();
  const progress = options.json ? runtime.stderr : runtime.stdout;
  const reporter: Reporter & { finish?: () => void } = createReporter(progress, { ci: isCi(runtime.env.CI) });
  const notices = commands.notices;
  const unsubscribe = runtime.onSignal((signal) => {
    if (controller.signal.aborted) {
      // Stopping is under way; a rollback is not cut short (it is what stopping asks for).
      progress.write(
        `received ${signal} again: still stopping; a rollback under way runs to its end (SIGKILL would leave targets half-deployed)\n`,
      );
      return;
    }
    progress.write(
      spec.action === 'rollback'
        ? `received ${signal}: stopping the rollback; targets it has not reached stay where they are\n`
        : spec.onFailure === 'halt'
          ? `received ${signal}: stopping; onFailure is halt, so deployed targets stay where they are\n`
          : `received ${signal}: stopping, then rolling back touched targets per onFailure\n`,
    );
    controller.abort();
  });
  try {
    const { previousVersion } = commands;
    // TRANCHE_RUN_ID marks the run's processes, so only its own leftovers are ever killed.
    const baseEnv = { ...commands.env, TRANCHE_RUN_ID: spec.runId };
    const executor = new ShellExecutor({ baseEnv, groups: commands.groups });
    const checker = createChecker({ executor, env: commands.env });
    const heard: Reporter = {
      async event(event) {
        await reporter.event(event);
        await notices.event(event);
      },
    };
    const ports = { executor, checker, ledger, reporter: heard, clock: systemClock };
    return await runRelease(spec, ports, { previousVersion, signal: controller.signal });
  } finally {
    unsubscribe();
    reporter.finish?.();
  }
}
