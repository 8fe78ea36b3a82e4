import type { DeployLedger, RunRecord } from './types.ts';

/** The live version among an environment's runs (newest first): the latest successful run's. */
export function liveVersionOf(runs: readonly RunRecord[]): string | null {
  return runs.find((run) => run.decision === 'succeeded')?.version ?? null;
}

/**
 * The runs (newest first) that may still be going: unfinished, and started after the newest
 * finished run started. An unfinished run older than that is one whose process died without a
 * terminal record; a later run has since taken the environment over, so it holds nothing up.
 */
export function runsInProgress(runs: readonly RunRecord[]): RunRecord[] {
  const newestFinished = runs.find((run) => run.finishedAt !== null);
  return runs.filter(
    (run) =>
      run.finishedAt === null && (newestFinished === undefined || run.startedAt > newestFinished.startedAt),
  );
}

/** The environment's live version: the version of its latest successful run; null before the first. */
export async function liveVersion(
  ledger: DeployLedger,
  service: string,
  environment: string,
): Promise<string | null> {
  return liveVersionOf(await ledger.runs({ service, environment }));
}
