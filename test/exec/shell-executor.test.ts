import { getEventListeners } from 'node:events';
import { existsSync, realpathSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRequest } from '../../src/engine/ports.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';
import { isRunning, readPids, reaped, Scratch } from './processes.ts';

let scratch: Scratch;
beforeEach(() => {
  scratch = new Scratch();
});
afterEach(() => {
  scratch.cleanup();
});

/**
 * Time a command gets to start and set itself up (start its children, write their pids, set a
 * trap) before its timeout or a cancellation hits it: a few shell starts on this machine now.
 */
const SET_UP_MS = Math.max(300, allowFor({ shells: 3 }));
/** Time between SIGTERM and SIGKILL: enough for a trap to run on this machine now. */
const GRACE_MS = Math.max(400, allowFor({ shells: 2 }));
/** Longer than any command here takes to run or be killed and reaped; far short of their sleep 300. */
const RUN_MS = Math.max(10_000, allowFor({ shells: 20 }));
/** A test here waits for at most a command's set-up, its grace period and its reaping. */
const TEST_TIMEOUT = { timeout: timeoutFor({ shells: 30, waitsMs: SET_UP_MS + GRACE_MS + RUN_MS }) };

function executor(options: Partial<ConstructorParameters<typeof ShellExecutor>[0]> = {}): ShellExecutor {
  return new ShellExecutor({ baseEnv: { PATH: process.env.PATH }, killGraceMs: GRACE_MS, ...options });
}

function request(command: string, options: Partial<CommandRequest> = {}): CommandRequest {
  return { command, cwd: scratch.dir, env: {}, timeoutMs: RUN_MS, ...options };
}

/** How many pids the command has written to the file so far. */
function readPidsSoFar(name: string): number {
  const file = scratch.path(name);
  return existsSync(file) ? readPids(file).length : 0;
}

/** Pids the command wrote to the file, tracked for cleanup. */
function pidsIn(name: string): number[] {
  const file = scratch.path(name);
  return existsSync(file) ? scratch.track(readPids(file)) : [];
}

/**
 * Dead when run returns, and gone altogether: run waits for the group to be reaped, but only so long,
 * so a zombie still waiting for a slow init is allowed for a little while.
 */
async function expectKilled(pids: number[]): Promise<void> {
  expect(pids.filter(isRunning)).toEqual([]);
  for (const pid of pids) expect(await reaped(pid, RUN_MS)).toBe('ESRCH');
}

describe('ShellExecutor', TEST_TIMEOUT, () => {
  describe('environment', () => {
    it('passes the request variables to the command', async () => {
      const result = await executor().run(
        request('echo "$TRANCHE_TARGET"', { env: { TRANCHE_TARGET: 'web-1' } }),
      );
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('web-1\n');
    });

    it('starts from the base environment, with the request variables winning over it', async () => {
      const result = await executor({
        baseEnv: { PATH: process.env.PATH, KEEP: 'kept', TRANCHE_TARGET: 'from-base', UNSET: undefined },
      }).run(
        request('echo "$KEEP $TRANCHE_TARGET"; env | grep -q ^UNSET= || echo unset', {
          env: { TRANCHE_TARGET: 'from-request' },
        }),
      );
      expect(result.stdout).toBe('kept from-request\nunset\n');
    });

    it('hands over a value with shell metacharacters literally, without running any of it', async () => {
      const pwned = scratch.path('pwned');
      const value = `$(touch ${pwned}); \`touch ${pwned}\` "x" 'y' ; touch ${pwned} && echo $HOME`;
      const result = await executor().run(
        request('printf "%s\\n" "$TRANCHE_TARGET"', { env: { TRANCHE_TARGET: value } }),
      );
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(`${value}\n`);
      expect(existsSync(pwned)).toBe(false);
    });

    it('runs the command in the requested working directory', async () => {
      const result = await executor().run(request('pwd'));
      expect(realpathSync(result.stdout.trim())).toBe(realpathSync(scratch.dir));
    });
  });

  describe('exit status', () => {
    it('reports exit code 0 for a successful command', async () => {
      const result = await executor().run(request('true'));
      expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, cancelled: false });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('reports a non-zero exit code and the output of both streams', async () => {
      const result = await executor().run(request('echo out; echo oops >&2; exit 3'));
      expect(result).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'oops\n' });
    });

    it('reports the signal of a command that kills itself', async () => {
      const result = await executor().run(request('kill -USR1 $$'));
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGUSR1', timedOut: false, cancelled: false });
    });

    it('gives the command no standard input', async () => {
      const result = await executor().run(request('cat; echo "read $?"'));
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'read 0\n' });
    });
  });

  describe('output', () => {
    it('keeps only the last outputTailBytes of each stream', async () => {
      const result = await executor({ outputTailBytes: 1024 }).run(
        request(
          "head -c 1000000 /dev/zero | tr '\\0' a; printf END; head -c 500000 /dev/zero | tr '\\0' b >&2",
        ),
      );
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toHaveLength(1024);
      expect(result.stdout.endsWith('aaaEND')).toBe(true);
      expect(result.stderr).toBe('b'.repeat(1024));
    });

    it('returns once the command exits even if a background process keeps its output open', async () => {
      const result = await executor({ drainMs: 100 }).run(request('sleep 300 & echo $!; echo $! > bg.pid'));
      pidsIn('bg.pid');
      expect(result.exitCode).toBe(0);
      expect(result.durationMs).toBeLessThan(RUN_MS);
    });
  });

  describe('timeout', () => {
    it('kills a hung command at its timeout together with the children it started', async () => {
      const result = await executor().run(
        request('sleep 300 & echo $! > pids; sleep 300 & echo $! >> pids; echo $$ >> pids; wait', {
          timeoutMs: SET_UP_MS,
        }),
      );
      const pids = pidsIn('pids');
      expect(pids).toHaveLength(3);
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true, cancelled: false });
      expect(result.durationMs).toBeGreaterThanOrEqual(SET_UP_MS);
      // Died of the SIGTERM; the wait after it is for the group to be reaped, as slow as init is.
      expect(result.durationMs).toBeLessThan(RUN_MS);
      await expectKilled(pids);
    });

    it('SIGKILLs a command that traps SIGTERM once the grace period is over', async () => {
      const result = await executor().run(
        request("trap 'echo got TERM' TERM; echo $$ > pids; while :; do sleep 0.05; done", {
          timeoutMs: SET_UP_MS,
        }),
      );
      const pids = pidsIn('pids');
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, cancelled: false });
      expect(result.stdout).toContain('got TERM');
      expect(result.durationMs).toBeGreaterThanOrEqual(SET_UP_MS + GRACE_MS);
      await expectKilled(pids);
    });

    it('SIGKILLs a child that ignores SIGTERM after its shell is gone', async () => {
      const result = await executor().run(
        request("(trap '' TERM; exec sleep 300) & echo $! > pids; wait", { timeoutMs: SET_UP_MS }),
      );
      const pids = pidsIn('pids');
      expect(pids).toHaveLength(1);
      expect(result.timedOut).toBe(true);
      expect(result.durationMs).toBeGreaterThanOrEqual(SET_UP_MS + GRACE_MS);
      await expectKilled(pids);
    });
  });

  describe('cancellation', () => {
    it('kills the whole process group when the signal aborts and reports cancelled', async () => {
      const controller = new AbortController();
      const run = executor().run(
        request('sleep 300 & echo $! > pids; echo $$ >> pids; wait'),
        controller.signal,
      );
      // Cancelled once the command has started its child, however long that took.
      while (readPidsSoFar('pids') < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      const result = await run;
      const pids = pidsIn('pids');
      expect(pids).toHaveLength(2);
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false, cancelled: true });
      expect(result.durationMs).toBeLessThan(RUN_MS);
      await expectKilled(pids);
    });

    it('does not start the command when the signal has already aborted', async () => {
      const result = await executor().run(request('touch started'), AbortSignal.abort());
      expect(result).toMatchObject({ exitCode: null, cancelled: true, timedOut: false });
      expect(existsSync(scratch.path('started'))).toBe(false);
    });

    it('leaves no abort listener behind on a signal that outlives the runs', async () => {
      const controller = new AbortController();
      await executor().run(request('true'), controller.signal);
      await executor().run(request('sleep 300', { timeoutMs: 100 }), controller.signal);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  describe('start failures', () => {
    it('resolves with the error in stderr when the working directory is missing', async () => {
      const result = await executor().run(request('true', { cwd: scratch.path('missing') }));
      expect(result).toMatchObject({ exitCode: null, signal: null, timedOut: false, cancelled: false });
      expect(result.stderr).toContain(`working directory ${scratch.path('missing')} does not exist`);
    });

    it('resolves with the error in stderr when the shell does not exist', async () => {
      const result = await executor({ shell: scratch.path('no-such-shell') }).run(request('true'));
      expect(result.exitCode).toBeNull();
      expect(result.stderr).toContain('ENOENT');
    });

    it('resolves with the error in stderr when a variable cannot be passed', async () => {
      const result = await executor().run(request('true', { env: { TRANCHE_TARGET: 'a\u0000b' } }));
      expect(result.exitCode).toBeNull();
      expect(result.stderr).toMatch(/could not start/);
    });
  });
});

describe('ShellExecutor resources', TEST_TIMEOUT, () => {
  it('leaves no timer running once a run has returned', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const run = executor();
    await run.run(request('true'));
    await run.run(request('sleep 300', { timeoutMs: 100 }));
    await run.run(request('sleep 300'), AbortSignal.timeout(100));
    await run.run(request('sleep 300 & echo $! > bg.pid', { timeoutMs: 10_000 }));
    pidsIn('bg.pid');
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
