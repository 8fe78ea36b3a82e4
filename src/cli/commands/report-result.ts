import type { DeployResult } from '../../engine/result.ts';
import { renderSummary } from '../../render/summary.ts';
import type { CommonOptions } from '../project.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Prints a deploy's or a rollback's result: as JSON with --json, else as the summary. Targets whose
 * rollback failed are named on stderr with what puts them back.
 */
export function report(
  result: DeployResult,
  options: CommonOptions,
  runtime: Runtime,
  run: { action: 'deploy' | 'rollback' } = { action: 'deploy' },
): void {
  if (options.json) runtime.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else runtime.stdout.write(`${renderSummary(result)}\n`);
  // A rollback that stops part way (a failure halts it, Ctrl-C cancels it) leaves the rest where they were.
  if (run.action === 'rollback' && result.decision !== 'succeeded') {
    runtime.stderr.write(
      `tranche: the rollback to ${result.version} stopped part way (${result.decision}): targets it did not reach stay where they were; \`tranche rollback -e ${result.environment} --to ${result.version}\` finishes it\n`,
    );
  }
  const stuck = result.rolledBack.filter((r) => r.status === 'failed');
  if (stuck.length === 0) return;
  const where = stuck.map((r) => `${r.component}/${r.target} (on ${r.from}, good ${r.to})`).join(', ');
  runtime.stderr.write(
    `tranche: not back on their good version: ${where}; mend what failed, then \`tranche rollback -e ${result.environment}\` puts the environment back on its live version\n`,
  );
}
