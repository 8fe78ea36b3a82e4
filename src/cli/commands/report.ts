/**
 * `tranche report --version V --outcome success|failure [--job ID]`: a job (or anything that ran
 * version V) reports how it went, for the fleet-wide verdict. Recorded once per service, source
 * and job id, so a job that reports twice (a retry of the reporting step) counts once.
 */
import { randomUUID } from 'node:crypto';
import { OUTCOMES, type Outcome } from '../../engine/verdict.ts';
import type { OutcomeInput } from '../../ledger/fleet-types.ts';
import { type CommonOptions, chooseEnvironment, loadProject, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { ownersForRun } from '../service-claim.ts';
import { parseSince } from '../when.ts';

export interface ReportOptions extends CommonOptions {
  version?: string | undefined;
  outcome?: string | undefined;
  job?: string | undefined;
  source?: string | undefined;
  at?: string | undefined;
}

/**
 * Exit codes: 0 recorded (or already recorded); 2 bad config or usage, or a job of a repository
 * that does not own the service (service-claim.ts).
 */
export async function reportCommand(options: ReportOptions, runtime: Runtime): Promise<number> {
  if (!options.version) throw new UsageError('--version is required: the version the job ran');
  const outcome = options.outcome;
  if (!OUTCOMES.includes(outcome as Outcome)) {
    throw new UsageError(`--outcome: expected ${OUTCOMES.join(' or ')}, got '${outcome ?? ''}'`);
  }
  const project = await loadProject(options, runtime);
  const environment = chooseEnvironment(project, options);
  const now = Date.now();
  const record: OutcomeInput = {
    service: project.loaded.config.service,
    version: options.version,
    environment,
    outcome: outcome as Outcome,
    source: options.source ?? 'report',
    sourceId: options.job ?? randomUUID(),
    at: options.at === undefined ? now : parseSince(options.at, '--at', now),
  };
  const recorded = await withLedger(options, runtime, project.dir, async (ledger) => {
    await ownersForRun(ledger, project.loaded.config, runtime);
    return ledger.recordOutcome(record);
  });
  if (options.json) runtime.stdout.write(`${JSON.stringify({ recorded, outcome: record }, null, 2)}\n`);
  else {
    const what = `${record.outcome} of ${record.service} ${record.version} in ${environment} (job ${record.sourceId} from ${record.source})`;
    runtime.stdout.write(`${recorded ? 'recorded' : 'already recorded, unchanged:'} ${what}\n`);
  }
  return 0;
}
