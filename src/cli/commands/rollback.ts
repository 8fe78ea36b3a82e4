import { randomUUID } from 'node:crypto';
import { allAtOnce } from '../../config/instant-rollback.ts';
import { resolveEnvironment } from '../../config/resolve.ts';
import type { ReleaseSpec } from '../../engine/ports.ts';
import { assertDeployAllowed } from '../../ledger/deploy-gate.ts';
import { recordedConstraints } from '../../ledger/live-releases.ts';
import { liveVersion } from '../../ledger/live-version.ts';
import type { Ledger } from '../../ledger/types.ts';
import { withDeployLock } from '../deploy-lock.ts';
import {
  type CommonOptions,
  chooseEnvironment,
  loadProject,
  projectCommandEnv,
  withLedger,
} from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { execute } from './deploy.ts';
import { report } from './report-result.ts';

export interface RollbackOptions extends CommonOptions {
  to?: string | undefined;
}

/**
 * Put the environment back on an earlier version (by default the one live before the current
 * one): every target at once, with the rollback command and bounded parallelism, then checked.
 */
export async function rollbackCommand(options: RollbackOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const environment = chooseEnvironment(project, options);
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
      const known = await ledger.versions(resolved.service);
      const record = known.find((v) => v.version === to);
      if (!record) throw new UsageError(`--to ${to}: no such version of ${resolved.service} in the ledger`);
      // The older version is checked with what it declared when it was deployed, not today's config.
      const constraints = (await recordedConstraints(ledger, resolved.service, to)) ?? undefined;
      await assertDeployAllowed(ledger, { ...run, version: to, constraints });
      const spec: ReleaseSpec = {
        runId,
        service: resolved.service,
        environment,
        environmentLabels: resolved.labels,
        version: to,
        commit: record.commit,
        cwd: project.dir,
        components: resolved.components.map(allAtOnce),
        onFailure: 'halt',
        action: 'rollback',
        constraints,
      };
      const result = await execute(spec, ledger, options, runtime, {
        env: projectCommandEnv(project, options, runtime),
        groups,
      });
      report(result, options, runtime);
      return result.decision === 'succeeded' ? 0 : 1;
    }),
  );
}

/**
 * The newest version older than the live one (by its release number) that once succeeded in the
 * environment: a second rollback goes further back, never forward to what the first one removed.
 */
async function versionBeforeLive(ledger: Ledger, service: string, environment: string): Promise<string> {
  const live = await liveVersion(ledger, service, environment);
  const numbers = new Map((await ledger.versions(service)).map((v) => [v.version, v.n]));
  const liveNumber = live === null ? undefined : numbers.get(live);
  const runs = await ledger.runs({ service, environment });
  const earlier = runs
    .filter((run) => run.decision === 'succeeded' && run.version !== live)
    .map((run) => ({ version: run.version, n: numbers.get(run.version) }))
    .filter((c) => liveNumber === undefined || (c.n !== undefined && c.n < liveNumber))
    .sort((a, b) => (b.n ?? 0) - (a.n ?? 0))[0];
  if (!earlier) {
    throw new UsageError(
      `${environment} has no successful version older than the live one (${live ?? 'none'}) to roll back to; name one with --to`,
    );
  }
  return earlier.version;
}
