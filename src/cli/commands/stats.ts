import { stageTimings } from '../../stats/stage-timing.ts';
import { type CommonOptions, loadProject, namedEnvironment, withLedger } from '../project.ts';
import type { Runtime } from '../runtime.ts';
import { seconds, table } from '../table.ts';

/** Stage timing over the ledger's history: count, min, max, median and p95 per stage. */
export async function statsCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const environment = namedEnvironment(project, options);
  const events = await withLedger(
    options,
    runtime,
    project.dir,
    (ledger) =>
      ledger.events({
        service: project.loaded.config.service,
        environment,
        withDuration: true,
      }),
    'read',
  );
  const stages = stageTimings(events);
  if (options.json) {
    runtime.stdout.write(`${JSON.stringify({ service: project.loaded.config.service, stages }, null, 2)}\n`);
    return 0;
  }
  const rows = stages.map((s) => [
    s.stage,
    String(s.count),
    seconds(s.min),
    seconds(s.median),
    seconds(s.p95),
    seconds(s.max),
  ]);
  runtime.stdout.write(`${table(['stage', 'count', 'min', 'median', 'p95', 'max'], rows)}\n`);
  return 0;
}
