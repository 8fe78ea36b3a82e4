/**
 * The lease a `tranche deploy` or `rollback` holds on its environment while it runs (see
 * release/deploy-lock.ts), shared by both commands: taken before a version is allocated, released
 * when the run ends, however it ends (a result, an error, SIGINT or SIGTERM).
 *
 * A run whose process dies (SIGKILL, OOM) leaves its commands running, orphaned. So the lease
 * lasts past the longest command timeout of the run (a live run would have killed them by then),
 * and the next run on the same host does not wait for it: it finds the holder's process gone,
 * kills the process groups the dead run recorded (run-processes.ts), records the dead run's end
 * and takes over. Its own deploy or rollback then puts the dead run's targets where it says.
 */
import { hostname } from 'node:os';
import { systemClock } from '../engine/clock.ts';
import type { ComponentSpec, DeployEvent } from '../engine/ports.ts';
import { killLeftovers, RunProcessRecord, runRecordExists } from '../exec/run-processes.ts';
import { deployLockName } from '../ledger/release-locks.ts';
import type { Ledger, LockRecord } from '../ledger/types.ts';
import {
  DeployLockedError,
  type DeployLockRequest,
  holdDeployLock,
  leaseCovering,
} from '../release/deploy-lock.ts';
import type { Runtime } from './runtime.ts';
import { ownersForRun } from './service-claim.ts';

export interface LockedRun {
  service: string;
  /** tranche.yml's `repositories`: who owns the service, when this run's repository binds it first. */
  repositories?: readonly string[] | undefined;
  environment: string;
  action: 'deploy' | 'rollback';
  runId: string;
  /** The components the run may run commands for: the lease outlasts their longest timeout. */
  components: readonly ComponentSpec[];
  /** Who started the run (actor.ts), named by the lock. */
  actor: string;
}

/**
 * Runs `use` holding the environment's lease, with the record of the run's process groups that
 * the run's ShellExecutor keeps; throws DeployLockedError (exit 2) when a live run holds it, and
 * ServiceNotOwnedError (exit 2) when the run's repository does not own the service.
 */
export async function withDeployLock<T>(
  ledger: Ledger,
  run: LockedRun,
  runtime: Runtime,
  use: (groups: RunProcessRecord) => Promise<T>,
): Promise<T> {
  const { actor } = run;
  const host = hostname();
  const request: DeployLockRequest = {
    service: run.service,
    environment: run.environment,
    holder: `cli:${run.runId}`,
    reason: `${run.action} by ${actor} on ${host} (pid ${process.pid})`,
    data: { runId: run.runId, action: run.action, actor, host, pid: process.pid },
    // The bot's locks for this service are in the repositories that own it.
    repos: await ownersForRun(ledger, run, runtime),
    leaseMs: leaseCovering(run.components),
  };
  const warn = (message: string) => runtime.stderr.write(`tranche: warning: ${message}\n`);
  const hold = () => holdDeployLock(ledger, request, systemClock, warn);
  const held = await hold().catch(async (error: unknown) => {
    if (!(error instanceof DeployLockedError) || error.blocker.kind !== 'run') throw error;
    if (!(await takeOverFromDeadRun(ledger, error.blocker.lock, run, warn))) throw error;
    return hold();
  });
  const groups = new RunProcessRecord(run.runId);
  try {
    return await use(groups);
  } finally {
    groups.close();
    await held.release();
  }
}

/**
 * When `lock` is the lease of a CLI run on this host whose process is gone: kills what it left
 * running, records its end and releases its lease; true then. False (wait for the lease) when
 * the holder may be alive, ran elsewhere, or left groups this host cannot tell are its own.
 */
async function takeOverFromDeadRun(
  ledger: Ledger,
  lock: LockRecord,
  run: LockedRun,
  warn: (message: string) => void,
): Promise<boolean> {
  const { host, pid, runId } = lock.data ?? {};
  if (host !== hostname() || typeof pid !== 'number' || typeof runId !== 'string') return false;
  if (!lock.holder.startsWith('cli:') || processAlive(pid)) return false;
  const leftovers = await killLeftovers(runId);
  if (leftovers.kind === 'unverifiable') return false;
  const touched = await recordDeadRun(ledger, runId, pid, leftovers.groups.length);
  await ledger.releaseLock(deployLockName(run.service, run.environment), lock.holder);
  const killed = leftovers.groups.length;
  warn(
    `run ${runId} (pid ${pid}) died without finishing: ${killed} command group(s) it left running killed, ` +
      `its end recorded; this ${run.action} takes over${touched.length > 0 ? ` the targets it touched (${touched.join(', ')})` : ''}`,
  );
  return true;
}

/**
 * Writes the dead run's terminal record (halted, run_died), naming the targets it touched, unless
 * it has one or never started; resolves to those targets.
 */
async function recordDeadRun(ledger: Ledger, runId: string, pid: number, killed: number): Promise<string[]> {
  const events = await ledger.events({ runId });
  const started = events.find((e) => e.kind === 'run_started');
  if (!started || events.some((e) => e.kind === 'run_finished')) return [];
  const touched = [
    ...new Set(
      events.filter((e) => e.kind === 'target_deploy' && e.target).map((e) => `${e.component}/${e.target}`),
    ),
  ];
  const at = Date.now();
  const finished: DeployEvent = {
    runId,
    seq: Math.max(...events.map((e) => e.seq)) + 1,
    at,
    kind: 'run_finished',
    status: 'failed',
    service: started.service,
    environment: started.environment,
    version: started.version,
    durationMs: at - started.at,
    reasonCode: 'run_died',
    message:
      `the run's process (pid ${pid}) died before the run ended; the next run on the host killed the ` +
      `${killed} command group(s) it left running and takes over the targets it touched` +
      (touched.length > 0 ? ` (${touched.join(', ')})` : '') +
      ': it deploys them, or, failing first, puts them back on their good version (unless it halts: onFailure halt, or a rollback)',
    data: { decision: 'halted', touched },
  };
  await ledger.record(finished);
  return touched;
}

/**
 * Why a run that has not finished will not go on, or undefined while it may: its lease names a
 * process on this machine that is gone, and the run's record of its commands is on this machine
 * too (a container sharing the host's name has a process table and a temp directory of its own).
 * A run elsewhere, or one whose lease lapsed, is not judged: it may be paused, or its clock ahead.
 */
export async function runGone(
  ledger: Pick<Ledger, 'locks'>,
  run: { runId: string; service: string; environment: string },
  now: number,
): Promise<string | undefined> {
  const lease = (await ledger.locks(now)).find(
    (lock) =>
      lock.name === deployLockName(run.service, run.environment) && lock.holder.endsWith(`:${run.runId}`),
  );
  const { host, pid } = lease?.data ?? {};
  if (host !== hostname() || typeof pid !== 'number' || !runRecordExists(run.runId)) return undefined;
  return processAlive(pid) ? undefined : `its process (pid ${pid}) on this host is gone`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
