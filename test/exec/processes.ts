/** Helpers for tests that start real processes: temp dirs, pid files, and making sure none is left. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a process with this pid exists (a zombie counts as existing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The error code process.kill(pid, 0) fails with, or undefined when the process exists. */
export function probe(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/**
 * Resolves with the error code of process.kill(pid, 0) once it fails, or undefined if the pid still
 * exists after withinMs. A killed process keeps its pid as a zombie until its reaper (init, for an
 * orphan) collects it, which some inits do only every few seconds.
 */
export async function reaped(pid: number, withinMs = 5_000): Promise<string | undefined> {
  const until = performance.now() + withinMs;
  for (;;) {
    const code = probe(pid);
    if (code !== undefined || performance.now() > until) return code;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Whether the process runs: it exists and, where /proc tells, is not a zombie. */
export function isRunning(pid: number): boolean {
  if (probe(pid) === 'ESRCH') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return !existsSync('/proc/self/stat');
  }
}

/** The pids a command wrote to a file, one a line. */
export function readPids(file: string): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/** A temporary directory, and a cleanup that kills any pid a test recorded there and removes it. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'tranche-exec-'));
  readonly #pids = new Set<number>();

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Remember pids to kill at cleanup, should a test fail before they are gone. */
  track(pids: number[]): number[] {
    for (const pid of pids) this.#pids.add(pid);
    return pids;
  }

  cleanup(): void {
    for (const pid of this.#pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
