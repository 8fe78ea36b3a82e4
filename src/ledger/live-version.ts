import type { DeployLedger } from './types.ts';

/** The environment's live version: the version of its latest successful run; null before the first. */
export async function liveVersion(
  ledger: DeployLedger,
  service: string,
  environment: string,
): Promise<string | null> {
  const runs = await ledger.runs({ service, environment });
  return runs.find((run) => run.decision === 'succeeded')?.version ?? null;
}
