/**
 * The process groups one run's commands run in, written down on the host (a file per run under
 * the temp directory), so that when the run's own process dies (SIGKILL, OOM) the next run on the
 * same host can kill what it left running before it starts. A group is killed only once /proc
 * shows one of its processes carrying the dead run's TRANCHE_RUN_ID: a pgid the system has since
 * handed to someone else is left alone. /proc is searched whole, not only for the recorded groups:
 * a command that started in the instant before the run wrote its group down (the run killed just
 * then) is found by its TRANCHE_RUN_ID all the same.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupExists, signalGroup } from './process-group.ts';

/** Where the records live: one directory per user, as pgids are only ours to kill. */
export function defaultRecordDir(): string {
  return join(tmpdir(), `tranche-runs-${process.getuid?.() ?? 'user'}`);
}

/** The live record of one run's process groups; ShellExecutor calls started and ended. */
export class RunProcessRecord {
  readonly #file: string;
  readonly #groups = new Set<number>();

  constructor(runId: string, dir: string = defaultRecordDir()) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#file = recordFile(dir, runId);
  }

  started(pgid: number): void {
    this.#groups.add(pgid);
    this.#write();
  }

  ended(pgid: number): void {
    this.#groups.delete(pgid);
    this.#write();
  }

  /** The run ended in its own process: nothing of it is left to kill. */
  close(): void {
    rmSync(this.#file, { force: true });
  }

  #write(): void {
    writeFileSync(this.#file, [...this.#groups].map((pgid) => `${pgid}\n`).join(''));
  }
}

/** Whether `runId` ran a command on this machine that its process has not closed the record of. */
export function runRecordExists(runId: string, dir: string = defaultRecordDir()): boolean {
  return existsSync(recordFile(dir, runId));
}

/** What was done about a dead run's commands. */
export type Leftovers =
  | { kind: 'killed'; groups: number[] }
  /** Groups are recorded, but this host cannot tell whose they are now (no /proc): none is killed. */
  | { kind: 'unverifiable'; groups: number[] };

/** How long killed groups get to be gone (orphans are reaped by init, some only every few seconds). */
const GONE_WITHIN_MS = 10_000;
const POLL_MS = 50;

/**
 * Kills (SIGKILL) every recorded process group of `runId` that still runs that run's commands,
 * waits for them to be gone, and removes the record.
 */
export async function killLeftovers(runId: string, dir: string = defaultRecordDir()): Promise<Leftovers> {
  const file = recordFile(dir, runId);
  const recorded = readRecord(file);
  const owned = groupsOfRun(runId);
  if (owned === undefined) {
    if (recorded.length > 0) return { kind: 'unverifiable', groups: recorded };
    rmSync(file, { force: true });
    return { kind: 'killed', groups: [] };
  }
  for (const pgid of owned) signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; waited < GONE_WITHIN_MS && owned.some(groupExists); waited += POLL_MS) {
    await sleep(POLL_MS);
  }
  rmSync(file, { force: true });
  return { kind: 'killed', groups: owned };
}

function recordFile(dir: string, runId: string): string {
  return join(dir, `${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}.pgids`);
}

function readRecord(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map(Number)
    .filter((pgid) => Number.isSafeInteger(pgid) && pgid > 1);
}

/**
 * The process groups with a process that carries TRANCHE_RUN_ID=runId, but never this process's
 * own (a run started from a dead run's command inherits its TRANCHE_RUN_ID); undefined without /proc.
 */
function groupsOfRun(runId: string): number[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const marker = `\0TRANCHE_RUN_ID=${runId}\0`;
  const own = processGroup(String(process.pid));
  const owned = new Set<number>();
  for (const pid of pids) {
    const pgid = processGroup(pid);
    if (pgid === undefined || pgid <= 1 || pgid === own || owned.has(pgid)) continue;
    if (`\0${readProc(pid, 'environ')}`.includes(marker)) owned.add(pgid);
  }
  return [...owned];
}

/** The pgid in /proc/PID/stat: the fifth field, counted after the command name in parentheses. */
function processGroup(pid: string): number | undefined {
  const stat = readProc(pid, 'stat');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgid = Number(fields[2]);
  return Number.isSafeInteger(pgid) ? pgid : undefined;
}

function readProc(pid: string, what: string): string {
  try {
    return readFileSync(join('/proc', pid, what), 'utf8');
  } catch {
    return '';
  }
}
