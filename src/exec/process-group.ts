/**
 * Signalling and watching a command's process group (its pgid is the shell's pid, as the shell is
 * started detached, in a session of its own).
 */

/** Send a signal to every process of the group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/**
 * Whether any process of the group still exists. A killed process keeps its pid, as a zombie,
 * until its parent (for an orphan, init) reaps it; some inits do that only every few seconds.
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
