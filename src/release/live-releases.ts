/**
 * What runs in an environment, per service, with what each live version declared when it was
 * deployed (its run_started event's `constraints`): what dependency constraints are checked
 * against (engine/constraints.ts).
 */
import { z } from 'zod';
import type { LiveRelease, ReleaseConstraints } from '../engine/constraints.ts';
import type { DeployLedger } from '../ledger/types.ts';
import { runSuccesses } from './deployment-records.ts';
import { liveOf } from './live-version.ts';

const recordedConstraintsSchema = z.object({
  requires: z.record(z.string(), z.string()),
  migrations: z.object({ schema: z.string(), reads: z.array(z.string()) }).optional(),
});

/** Every service's live release in the environment (release/live-version.ts), with what its run declared. */
export async function liveReleases(ledger: DeployLedger, environment: string): Promise<LiveRelease[]> {
  const byService = Map.groupBy(await ledger.runs({ environment }), (run) => run.service);
  const live = [...byService.values()].flatMap((runs) => {
    const version = liveOf(runSuccesses(runs))?.version;
    const run = runs.find((r) => r.decision === 'succeeded' && r.version === version);
    return run ? [run] : [];
  });
  return Promise.all(
    live.map(async (run) => ({
      service: run.service,
      version: run.version,
      constraints: await runConstraints(ledger, run.runId),
    })),
  );
}

/**
 * What `version` of `service` declared the last time it was deployed anywhere; null when no run
 * of it recorded any (never deployed, or deployed before it declared constraints).
 */
export async function recordedConstraints(
  ledger: DeployLedger,
  service: string,
  version: string,
): Promise<ReleaseConstraints | null> {
  for (const run of await ledger.runs({ service, version })) {
    const constraints = await runConstraints(ledger, run.runId);
    if (constraints) return constraints;
  }
  return null;
}

async function runConstraints(ledger: DeployLedger, runId: string): Promise<ReleaseConstraints | null> {
  const [start] = await ledger.events({ runId, limit: 1 });
  if (start?.kind !== 'run_started') return null;
  const parsed = recordedConstraintsSchema.safeParse(start.data?.constraints);
  return parsed.success ? parsed.data : null;
}
