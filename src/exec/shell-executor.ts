/**
 * Runs deploy, rollback and check commands through a shell, each in its own process group so that
 * a timeout or a cancellation kills the command together with everything it started.
 *
 * Values reach a command only through its environment (TRANCHE_*); the command string is the
 * user's own, passed to `sh -c` unchanged.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type {
  BatchCommandRequest,
  BatchCommandResult,
  CommandRequest,
  CommandResult,
  Executor,
} from '../engine/ports.ts';
import { batchFiles } from './batch-files.ts';
import { OutputTail } from './output-tail.ts';
import { groupExists, signalGroup } from './process-group.ts';

export interface ShellExecutorOptions {
  /** The environment every command starts from; the request's TRANCHE_* variables win over it. */
  baseEnv: Record<string, string | undefined>;
  /** Default `/bin/sh`; run as `shell -c command`. */
  shell?: string | undefined;
  /** Bytes of stdout and of stderr kept (the last ones). Default 16 KiB. */
  outputTailBytes?: number | undefined;
  /** After SIGTERM, how long the process group has before SIGKILL. Default 2000 ms. */
  killGraceMs?: number | undefined;
  /**
   * After the shell exits on its own, how long its output may stay open (held by a process it left
   * in the background) before the result is returned without waiting for more. Default 500 ms.
   */
  drainMs?: number | undefined;
  /** Told of each command's process group as it starts and once it is done with (RunProcessRecord). */
  groups?: { started(pgid: number): void; ended(pgid: number): void } | undefined;
}

export const DEFAULT_OUTPUT_TAIL_BYTES = 16 * 1024;
export const DEFAULT_KILL_GRACE_MS = 2000;
const DEFAULT_DRAIN_MS = 500;
/**
 * After SIGKILL, how long to wait for the group to be gone (reaped: some inits reap orphans only every
 * few seconds) and its output closed (a process that left the group may hold it) before returning
 * all the same.
 */
const REAP_MS = 3000;
/** How often a group being killed is looked at. */
const POLL_MS = 25;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647;

type KillReason = 'timeout' | 'cancel';

export class ShellExecutor implements Executor {
  readonly #baseEnv: Record<string, string | undefined>;
  readonly #shell: string;
  readonly #tailBytes: number;
  readonly #graceMs: number;
  readonly #drainMs: number;
  readonly #groups: ShellExecutorOptions['groups'];

  constructor(options: ShellExecutorOptions) {
    this.#baseEnv = options.baseEnv;
    this.#shell = options.shell ?? '/bin/sh';
    this.#tailBytes = options.outputTailBytes ?? DEFAULT_OUTPUT_TAIL_BYTES;
    this.#graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
    this.#groups = options.groups;
  }

  /** One command for a batch: its targets in TRANCHE_TARGETS_FILE, its results read from TRANCHE_RESULTS_FILE. */
  async runBatch(request: BatchCommandRequest, signal?: AbortSignal): Promise<BatchCommandResult> {
    const files = await batchFiles(request.targets);
    try {
      const { targets: _, ...command } = request;
      const result = await this.run({ ...command, env: { ...request.env, ...files.env } }, signal);
      const { outcomes, problem } = await files.results();
      return { ...result, outcomes, resultsProblem: problem };
    } finally {
      await files.remove();
    }
  }

  run(request: CommandRequest, signal?: AbortSignal): Promise<CommandResult> {
    const started = performance.now();
    const stdout = new OutputTail(this.#tailBytes);
    const stderr = new OutputTail(this.#tailBytes);
    const result = (fields: Partial<CommandResult>): CommandResult => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      durationMs: performance.now() - started,
      stdout: stdout.toString(),
      stderr: stderr.toString(),
      ...fields,
    });

    if (signal?.aborted) return Promise.resolve(result({ cancelled: true }));

    let child: ChildProcess;
    try {
      child = spawn(this.#shell, ['-c', request.command], {
        cwd: request.cwd,
        env: mergeEnv(this.#baseEnv, request.env),
        // Own session and process group: the whole tree can be signalled as -pid.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Synchronous failures: an invalid argument, such as a NUL byte in the command or env.
      return Promise.resolve(result({ stderr: startFailure(error, this.#shell, request.cwd) }));
    }

    return new Promise<CommandResult>((resolve) => {
      let done = false;
      let reason: KillReason | undefined;
      let exit: { code: number | null; signal: string | null } | undefined;
      let closed = false;
      let timeoutTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      let deadlineTimer: NodeJS.Timeout | undefined;
      let pollTimer: NodeJS.Timeout | undefined;

      const finish = (fields: Partial<CommandResult> = {}): void => {
        if (done) return;
        done = true;
        clearTimeout(timeoutTimer);
        clearTimeout(drainTimer);
        clearTimeout(graceTimer);
        clearTimeout(deadlineTimer);
        clearInterval(pollTimer);
        signal?.removeEventListener('abort', onAbort);
        if (pid !== undefined) this.#groups?.ended(pid);
        // Output still held open by a leftover process is no longer read.
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve(
          result({
            exitCode: exit?.code ?? null,
            signal: exit?.signal ?? null,
            timedOut: reason === 'timeout',
            cancelled: reason === 'cancel',
            ...fields,
          }),
        );
      };

      const pid = child.pid;
      if (pid !== undefined) this.#groups?.started(pid);
      const signalAll = (name: NodeJS.Signals): void => {
        if (pid !== undefined) signalGroup(pid, name);
      };
      const alive = (): boolean => pid !== undefined && groupExists(pid);

      /** Done once the shell's output is closed and, after a kill, nothing of its group exists. */
      const settle = (): void => {
        if (!closed || done) return;
        if (reason !== undefined && alive()) return;
        finish();
      };

      const kill = (why: KillReason): void => {
        // Once the shell has exited on its own, the result stands; leftovers are not the run's.
        if (done || reason !== undefined || exit !== undefined) return;
        reason = why;
        clearTimeout(timeoutTimer);
        signalAll('SIGTERM');
        graceTimer = setTimeout(() => {
          if (alive()) signalAll('SIGKILL');
        }, this.#graceMs);
        pollTimer = setInterval(settle, POLL_MS);
        deadlineTimer = setTimeout(() => finish(), this.#graceMs + REAP_MS);
      };
      const onAbort = (): void => kill('cancel');

      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => {
        // Errors after a successful start (a failed kill, say) change nothing.
        if (child.pid === undefined) finish({ stderr: startFailure(error, this.#shell, request.cwd) });
      });
      child.on('exit', (code, exitSignal) => {
        exit = { code, signal: exitSignal };
        clearTimeout(timeoutTimer);
        if (reason === undefined) drainTimer = setTimeout(() => finish(), this.#drainMs);
        settle();
      });
      child.on('close', (code, closeSignal) => {
        exit ??= { code, signal: closeSignal };
        closed = true;
        settle();
      });

      const timeoutMs = request.timeoutMs;
      if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
        timeoutTimer = setTimeout(() => kill('timeout'), Math.min(timeoutMs, MAX_TIMER_MS));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The base environment with the request's variables over it; unset values are left out. */
export function mergeEnv(
  base: Record<string, string | undefined>,
  overrides: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(overrides)) env[key] = value;
  return env;
}

function startFailure(error: unknown, shell: string, cwd: string): string {
  const text = error instanceof Error ? error.message : String(error);
  let dir: string | undefined;
  try {
    dir = statSync(cwd).isDirectory() ? undefined : `working directory ${cwd} is not a directory`;
  } catch {
    dir = `working directory ${cwd} does not exist`;
  }
  return `could not start ${shell}: ${dir ? `${dir} (${text})` : text}`;
}
