/** Processes a test leaves behind on purpose: waiting for them, asking after them, killing them. */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Kills what is left of the process group of `pid` (read from /proc), should a test fail before the code under test does. */
export function killGroupOf(pid: number): void {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    process.kill(-Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]), 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Whether `pid` still runs: a zombie (dead, its parent not yet told) does not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !existsSync('/proc');
  }
}

/** Waits for another process to write `file`; the budget is generous, as a loaded machine is slow. */
export async function fileWritten(file: string): Promise<string> {
  for (let waited = 0; waited < 180_000; waited += 50) {
    const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (text !== '') return text;
    await sleep(50);
  }
  throw new Error(`${file} was never written`);
}
