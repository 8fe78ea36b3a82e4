/**
 * A throwaway PostgreSQL cluster from the machine's own binaries (Debian: the postgresql package,
 * /usr/lib/postgresql/<version>/bin): initdb in a temporary directory, the server on a free
 * 127.0.0.1 port, and on stop the server shut down and the directory removed. PostgreSQL refuses
 * to run as root, so as root the cluster belongs to the `postgres` user and runs through runuser.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** PostgreSQL is not installed, or cannot run here. */
export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

export interface Cluster {
  /** Superuser URL of the `postgres` database; no password (trust on loopback). */
  url: string;
  stop(): Promise<void>;
}

/** A cluster this process started, which it can also take down and bring back. */
export interface LocalCluster extends Cluster {
  /** Shuts the server down (fast: open connections are cut), keeping its data; `up` starts it again. */
  down(): Promise<void>;
  /** Starts the server again on the same port and data, once it accepts connections. */
  up(): Promise<void>;
}

export interface ClusterOptions {
  /**
   * Keep PostgreSQL's crash safety (fsync, synchronous commits), as a production server has it:
   * for benchmarks. Tests leave it off, which is safe for a cluster thrown away after the run.
   */
  durable?: boolean;
}

const USER = 'tranche';
const READY_TIMEOUT_MS = 30_000;

/** The directory holding initdb and postgres: the newest Debian install, else the PATH. */
export function findBinaries(): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const candidates = [
    ...versions.map((v) => join(debian, v, 'bin')),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  const found = candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')),
  );
  if (!found) {
    throw new PostgresUnavailableError(
      'PostgreSQL is not installed: no initdb and postgres under /usr/lib/postgresql/*/bin or on PATH ' +
        '(Debian: apt-get install -y postgresql)',
    );
  }
  return found;
}

export async function startCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const bin = findBinaries();
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'tranche-pg-'));
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    run(owner, join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      USER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      let server = startServer(owner, bin, dir, port, options);
      const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
      try {
        await waitUntilReady(url, server, dir);
      } catch (error) {
        await stopServer(server, data);
        // Another process may have taken the port between freePort and the server's bind.
        if (attempt < 3 && /already in use|could not bind/i.test(logTail(dir))) continue;
        throw error;
      }
      const cleanUp = () => {
        // Last resort if the test run dies without calling stop: no server or directory left behind.
        if (server.exitCode === null) signalPostmaster(server, data, 'SIGQUIT');
        rmSync(dir, { recursive: true, force: true });
      };
      process.once('exit', cleanUp);
      return {
        url,
        async stop() {
          process.off('exit', cleanUp);
          await stopServer(server, data);
          rmSync(dir, { recursive: true, force: true });
        },
        down: () => stopServer(server, data),
        async up() {
          server = startServer(owner, bin, dir, port, options);
          await waitUntilReady(url, server, dir);
        },
      };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** As root: the postgres user that will own and run the cluster. Otherwise null (the current user). */
function clusterOwner(): Owner | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new PostgresUnavailableError(
      'running as root and there is no postgres user to run PostgreSQL as (the postgresql package creates one)',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/** The command line as `owner` (through runuser) when there is one. */
function asOwner(owner: Owner | null, command: string, args: string[]): [string, string[]] {
  return owner ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(owner: Owner | null, command: string, args: string[]): void {
  const [file, argv] = asOwner(owner, command, args);
  try {
    execFileSync(file, argv, { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new PostgresUnavailableError(`${command} failed: ${stderr.trim() || String(error)}`);
  }
}

function startServer(
  owner: Owner | null,
  bin: string,
  dir: string,
  port: number,
  options: ClusterOptions,
): ChildProcess {
  const settings = [
    'listen_addresses=127.0.0.1',
    `unix_socket_directories=${dir}`,
    'max_connections=200',
    ...(options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  const args = ['-D', join(dir, 'data'), '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
  const [file, argv] = asOwner(owner, join(bin, 'postgres'), args);
  const log = openSync(join(dir, 'server.log'), 'a');
  try {
    return spawn(file, argv, { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

async function waitUntilReady(url: string, server: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new PostgresUnavailableError(`postgres exited while starting:\n${logTail(dir)}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new PostgresUnavailableError(
          `postgres did not accept connections within 30 s (${String(error)}):\n${logTail(dir)}`,
        );
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(100);
  }
}

/** Fast shutdown (SIGINT), waiting for the server to exit; SIGQUIT if it takes over 10 s. */
async function stopServer(server: ChildProcess, data: string): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  signalPostmaster(server, data, 'SIGINT');
  const timer = setTimeout(() => signalPostmaster(server, data, 'SIGQUIT'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Signals the postmaster itself: under runuser it is a child of the process we started. */
function signalPostmaster(server: ChildProcess, data: string, signal: NodeJS.Signals): void {
  let pid = server.pid;
  try {
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    // Not written yet: the server is still starting, signal the process we started.
  }
  try {
    if (pid !== undefined) process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
