import type { DeployResult } from '../../engine/result.ts';
import { renderSummary } from '../../render/summary.ts';
import type { CommonOptions } from '../project.ts';
import type { Runtime } from '../runtime.ts';

/** Prints a deploy's or a rollback's result: as JSON with --json, else as the summary. */
export function report(result: DeployResult, options: CommonOptions, runtime: Runtime): void {
  if (options.json) runtime.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else runtime.stdout.write(`${renderSummary(result)}\n`);
}
