import { randomUUID } from 'node:crypto';
import { allAtOnce } from '../../config/instant-rollback.ts';
import type { ReadConfig } from '../../config/inventory.ts';
import { resolveEnvironment } from '../../config/resolve.ts';
import type { ReleaseSpec } from '../../engine/ports.ts';
import type { Ledger } from '../../ledger/types.ts';
import type { Notifier } from '../../notify/notifier.ts';
import { DeployRefusedError } from '../../release/deploy-gate.ts';
import { ownedHistory } from '../../release/deployment-records.ts';
import { ledgerSource } from '../../release/ledger-source.ts';
import { type PreparedRelease, type PrepareRequest, prepareRelease } from '../../release/prepare-release.ts';
import { ledgerRollback } from '../../release/rollback-target.ts';
import { UnknownVersionError } from '../../release/settle-version.ts';
import type { VersionSource } from '../../release/version-source.ts';
import { runActor } from '../actor.ts';
import { withDeployLock } from '../deploy-lock.ts';
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
import { execute } from './deploy.ts';
import { report } from './report-result.ts';

export interface RollbackOptions extends CommonOptions {
  to?: string | undefined;
  /** Who starts the run (actor.ts has the default). */
  actor?: string | undefined;
}

/**
 * Put the environment back on an earlier version (by default the rollback rule's target): every
 * target at once, with the rollback command and bounded parallelism, then checked. What is live
 * and where a rollback goes are read as the bot reads them: the ledger's runs and the bot's
 * releases in the repositories that own the service.
 */
export async function rollbackCommand(options: RollbackOptions, runtime: Runtime): Promise<number> {
  const loadedProject = await loadProject(options, runtime);
  const environment = chooseEnvironment(loadedProject, options);
  const project = await readProjectInventory(loadedProject, environment, options, runtime);
  resolveEnvironment(project.loaded.config, environment);
  const actor = runActor(options.actor, runtime);
  const notifier = cliNotifier(project, runtime, options);
  return drainingAfter(notifier, () =>
    rollBackLocally(options, runtime, project, { environment, actor }, notifier),
  );
}

async function rollBackLocally(
  options: RollbackOptions,
  runtime: Runtime,
  project: Project & { loaded: ReadConfig },
  who: { environment: string; actor: string },
  notifier: Notifier,
): Promise<number> {
  const { environment, actor } = who;
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const runId = randomUUID();
  const run = {
    service: resolved.service,
    repositories: project.loaded.config.repositories,
    environment,
    action: 'rollback',
    runId,
    components: resolved.components,
    actor,
  } as const;
  return withLedger(
    options,
    runtime,
    project.dir,
    (ledger) =>
      withDeployLock(ledger, run, runtime, async (groups) => {
        const source = ledgerSource(ledger, ownedHistory(ledger));
        const to = options.to ?? (await versionBeforeLive(ledger, resolved.service, environment));
        const { version, commit, constraints, refusals, previousVersion } = await preparedRollback(source, {
          service: resolved.service,
          environment,
          named: to,
          commit: null,
          template: resolved.versionTemplate,
          action: 'rollback',
          configured: undefined,
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
          cwd: project.dir,
          components: resolved.components.map(allAtOnce),
          onFailure: 'halt',
          action: 'rollback',
          actor,
          inventory: project.loaded.inventory,
          constraints,
        };
        const result = await execute(spec, ledger, options, runtime, {
          env: projectCommandEnv(project, options, runtime, notifier.secrets),
          groups,
          notices: cliRunNotices(notifier, runtime, actor),
          previousVersion,
        });
        report(result, options, runtime, { action: 'rollback' });
        return result.decision === 'succeeded' ? 0 : 1;
      }),
    'read',
  );
}

/** The rollback prepared (release/prepare-release.ts), a version it does not know worded as --to's error. */
async function preparedRollback(source: VersionSource, request: PrepareRequest): Promise<PreparedRelease> {
  try {
    return await prepareRelease(source, request);
  } catch (error) {
    if (error instanceof UnknownVersionError)
      throw new UsageError(`--to ${error.version}: no such version of ${error.service} in the ledger`);
    throw error;
  }
}

/** Where a rollback without --to goes: the one rollback rule (release/rollback-target.ts). */
async function versionBeforeLive(ledger: Ledger, service: string, environment: string): Promise<string> {
  const { live, target } = await ledgerRollback(ledger, service, environment);
  if (!target) {
    throw new UsageError(
      !live
        ? `${environment} has no good version that succeeded before the live one to roll back to (nothing has succeeded there yet); name one with --to`
        : `${environment} has no good version that succeeded before the live one (${live}) to roll back to; name one with --to`,
    );
  }
  return target.version;
}
