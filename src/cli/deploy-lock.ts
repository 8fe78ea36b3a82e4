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

export interface LockedRun {
  service: string;
  environment: string;
  action: 'deploy' | 'rollback';
  runId: string;
}

/** Runs `use` holding the environment's lease; throws DeployLockedError (exit 2) when it is held. */
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
      repos: await botRepositories(ledger, run, runtime),
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

/**
 * Where the bot's locks for this service live: the repository a GitHub Actions job runs in, and
 * the one the ledger records the bot acting for the service in.
 */
async function botRepositories(ledger: Ledger, run: LockedRun, runtime: Runtime): Promise<string[]> {
  const recorded = (await ledger.serviceRepository(run.service))?.repo;
  const repos = [runtime.env.GITHUB_REPOSITORY, recorded];
  return [...new Set(repos.filter((r): r is string => r !== undefined && r !== ''))];
}
