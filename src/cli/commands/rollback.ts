import { randomUUID } from 'node:crypto';
import { allAtOnce } from '../../config/instant-rollback.ts';
import type { ReadConfig } from '../../config/inventory.ts';
import { resolveEnvironment } from '../../config/resolve.ts';
import type { ReleaseSpec } from '../../engine/ports.ts';
import type { Ledger } from '../../ledger/types.ts';
import type { Notifier } from '../../notify/notifier.ts';
import { assertDeployAllowed, declaredConstraints } from '../../release/deploy-gate.ts';
import { ledgerSource } from '../../release/ledger-source.ts';
import { ledgerRollback } from '../../release/rollback-target.ts';
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
}

/**
 * Put the environment back on an earlier version (by default the rollback rule's target): every target at once, with the rollback command and bounded parallelism, then checked.
 */
export async function rollbackCommand(options: RollbackOptions, runtime: Runtime): Promise<number> {
  const loadedProject = await loadProject(options, runtime);
  const environment = chooseEnvironment(loadedProject, options);
  const project = await readProjectInventory(loadedProject, environment, options, runtime);
  resolveEnvironment(project.loaded.config, environment);
  const notifier = cliNotifier(project, runtime, options);
  return drainingAfter(notifier, () => rollBackLocally(options, runtime, project, environment, notifier));
}

async function rollBackLocally(
  options: RollbackOptions,
  runtime: Runtime,
  project: Project & { loaded: ReadConfig },
  environment: string,
  notifier: Notifier,
): Promise<number> {
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const runId = randomUUID();
  const run = {
    service: resolved.service,
    repositories: project.loaded.config.repositories,
    environment,
    action: 'rollback',
    runId,
    components: resolved.components,
  } as const;
  return withLedger(options, runtime, project.dir, (ledger) =>
    withDeployLock(ledger, run, runtime, async (groups) => {
      const to = options.to ?? (await versionBeforeLive(ledger, resolved.service, environment));
      const source = ledgerSource(ledger);
      const commit = await source.commitOf(resolved.service, to);
      if (commit === undefined)
        throw new UsageError(`--to ${to}: no such version of ${resolved.service} in the ledger`);
      const constraints = await declaredConstraints(source, { ...run, version: to }, undefined);
      await assertDeployAllowed(source, { ...run, version: to, constraints });
      const spec: ReleaseSpec = {
        runId,
        service: resolved.service,
        environment,
        environmentLabels: resolved.labels,
        version: to,
        commit,
        cwd: project.dir,
        components: resolved.components.map(allAtOnce),
        onFailure: 'halt',
        action: 'rollback',
        inventory: project.loaded.inventory,
        constraints,
      };
      const result = await execute(spec, ledger, options, runtime, {
        env: projectCommandEnv(project, options, runtime, notifier.secrets),
        groups,
        notices: cliRunNotices(notifier, runtime),
      });
      report(result, options, runtime);
      return result.decision === 'succeeded' ? 0 : 1;
    }),
  );
}

/** Where a rollback without --to goes: the one rollback rule (release/rollback-target.ts). */
async function versionBeforeLive(ledger: Ledger, service: string, environment: string): Promise<string> {
  const { live, target } = await ledgerRollback(ledger, service, environment);
  if (!target) {
    throw new UsageError(
      `${environment} has no good version that succeeded before the live one (${live ?? 'none'}) to roll back to; name one with --to`,
    );
  }
  return target.version;
}
