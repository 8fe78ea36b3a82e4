import type { TargetState } from '../../engine/ports.ts';
import type { RunRecord } from '../../ledger/types.ts';
import { ownedHistory } from '../../release/deployment-records.ts';
import { liveVersion } from '../../release/live-version.ts';
import { type CommonOptions, loadProject, namedEnvironment, withLedger } from '../project.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table } from '../table.ts';

interface EnvironmentStatus {
  environment: string;
  liveVersion: string | null;
  lastRun: RunRecord | null;
  targets: (TargetState & { halfDeployed: boolean })[];
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
          return {
            environment,
            liveVersion: live,
            lastRun: runs[0] ?? null,
            targets: targets.map((t) => ({ ...t, halfDeployed: t.version !== t.goodVersion })),
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
  const last = run
    ? `last run: ${run.version} ${run.decision ?? 'running (or died without a terminal record)'} at ${isoTime(run.startedAt)}${run.actor ? ` by ${run.actor}` : ''}`
    : 'no runs yet';
  const rows = status.targets.map((t) => [
    t.component,
    t.target,
    t.version ?? '-',
    t.goodVersion ?? '-',
    t.halfDeployed ? 'NOT GOOD: deployed but not verified' : '',
  ]);
  return [
    `${service} in ${status.environment}: live ${status.liveVersion ?? 'nothing yet'}; ${last}`,
    rows.length > 0 ? table(['component', 'target', 'version', 'good version', ''], rows) : '',
  ]
    .filter(Boolean)
    .join('\n');
}
