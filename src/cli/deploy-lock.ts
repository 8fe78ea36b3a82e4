/**
 * The lease a `tranche deploy` or `rollback` holds on its environment while it runs (see
 * release/deploy-lock.ts), shared by both commands: taken before a version is allocated, released
 * when the run ends, however it ends (a result, an error, SIGINT or SIGTERM).
 */
import { hostname } from 'node:os';
import { systemClock } from '../engine/clock.ts';
import type { Ledger } from '../ledger/types.ts';
import { holdDeployLock } from '../release/deploy-lock.ts';
import type { Runtime } from './runtime.ts';
import { ownersForRun } from './service-claim.ts';

export interface LockedRun {
  service: string;
  /** tranche.yml's `repositories`: who owns the service, when this run's repository binds it first. */
  repositories?: readonly string[] | undefined;
  environment: string;
  action: 'deploy' | 'rollback';
  runId: string;
}

/**
 * Runs `use` holding the environment's lease; throws DeployLockedError (exit 2) when it is held,
 * and ServiceNotOwnedError (exit 2) when the run's repository does not own the service.
 */
export async function withDeployLock<T>(
  ledger: Ledger,
  run: LockedRun,
  runtime: Runtime,
  use: () => Promise<T>,
): Promise<T> {
  const actor = runtime.env.TRANCHE_ACTOR ?? runtime.env.GITHUB_ACTOR ?? runtime.env.USER ?? 'unknown';
  const host = hostname();
  const held = await holdDeployLock(
    ledger,
    {
      service: run.service,
      environment: run.environment,
      holder: `cli:${run.runId}`,
      reason: `${run.action} by ${actor} on ${host} (pid ${process.pid})`,
      data: { runId: run.runId, action: run.action, actor, host, pid: process.pid },
      // The bot's locks for this service are in the repositories that own it.
      repos: await ownersForRun(ledger, run, runtime),
    },
    systemClock,
    (message) => runtime.stderr.write(`tranche: warning: ${message}\n`),
  );
  try {
    return await use();
  } finally {
    await held.release();
  }
}
