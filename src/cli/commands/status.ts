import { listedTargets } from '../../config/targets.ts';
import type { TargetState } from '../../engine/ports.ts';
import type { RunRecord } from '../../ledger/types.ts';
import { ownedHistory } from '../../release/deployment-records.ts';
import { liveVersion } from '../../release/live-version.ts';
import { runGone } from '../deploy-lock.ts';
import { type CommonOptions, loadProject, namedEnvironment, withLedger } from '../project.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table } from '../table.ts';

interface EnvironmentStatus {
  environment: string;
  liveVersion: string | null;
  lastRun: RunRecord | null;
  /** Why the last run, unfinished, will not finish: its process on this host is gone. */
  lastRunGone: string | null;
  /**
   * `notInConfig`: the target's component, or its list of targets, in tranche.yml no longer has
   * it (a target an inventory gives is not judged): the ledger keeps what it last ran.
   */
  targets: (TargetState & { halfDeployed: boolean; notInConfig: boolean })[];
}

/**
 * Per environment: the live version (read as the bot reads it: the runs and the bot's releases in
 * the repositories that own the service), the last run, and what every target runs.
 */
export async function statusCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const { service, environments } = project.loaded.config;
  const named = namedEnvironment(project, options);
  const names = named === undefined ? Object.keys(environments) : [named];
  const statuses = await withLedger(
    options,
    runtime,
    project.dir,
    (ledger) => {
      const history = ownedHistory(ledger);
      return Promise.all(
        names.map(async (environment): Promise<EnvironmentStatus> => {
          const [live, runs, targets] = await Promise.all([
            liveVersion(history, service, environment),
            ledger.runs({ service, environment, limit: 1 }),
            ledger.targetStates(service, environment),
          ]);
          const lastRun = runs[0] ?? null;
          const unfinished = lastRun !== null && lastRun.finishedAt === null;
          const components = environments[environment]?.components ?? [];
          const notInConfig = (t: TargetState) => {
            const component = components.find((c) => c.name === t.component);
            if (component === undefined) return true;
            return (
              Array.isArray(component.targets) &&
              !listedTargets(component.targets).some((l) => l.name === t.target)
            );
          };
          return {
            environment,
            liveVersion: live,
            lastRun,
            lastRunGone: unfinished ? ((await runGone(ledger, lastRun, Date.now())) ?? null) : null,
            targets: targets.map((t) => ({
              ...t,
              halfDeployed: t.version !== t.goodVersion,
              notInConfig: notInConfig(t),
            })),
          };
        }),
      );
    },
    'read',
  );
  if (options.json) runtime.stdout.write(`${JSON.stringify({ service, environments: statuses }, null, 2)}\n`);
  else runtime.stdout.write(`${statuses.map((s) => renderStatus(service, s)).join('\n\n')}\n`);
  return 0;
}

function renderStatus(service: string, status: EnvironmentStatus): string {
  const run = status.lastRun;
  const state =
    run?.decision ??
    (status.lastRunGone === null
      ? 'running (or died without a terminal record)'
      : `died without finishing (${status.lastRunGone}; the next deploy or rollback here takes over)`);
  const last = run
    ? `last run: ${run.version} ${state} at ${isoTime(run.startedAt)}${run.actor ? ` by ${run.actor}` : ''}`
    : 'no runs yet';
  const rows = status.targets.map((t) => [
    t.component,
    t.target,
    t.version ?? '-',
    t.goodVersion ?? '-',
    [t.halfDeployed ? 'NOT GOOD: deployed but not verified' : '', t.notInConfig ? 'not in tranche.yml' : '']
      .filter(Boolean)
      .join('; '),
  ]);
  return [
    `${service} in ${status.environment}: live ${status.liveVersion ?? 'nothing yet'}; ${last}`,
    rows.length > 0 ? table(['component', 'target', 'version', 'good version', ''], rows) : '',
  ]
    .filter(Boolean)
    .join('\n');
}
