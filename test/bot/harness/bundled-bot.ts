/**
 * The bot as its image runs it: the files the Dockerfile copies, laid out as it lays them out in a
 * temporary directory of their own (no node_modules anywhere), started with the Dockerfile's CMD
 * and ENV by this Node 24, as a separate process. Its JSON log lines are kept for assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The parts of the Dockerfile the image runs. */
export interface Image {
  /** Each COPY: a file of the repository and where the image puts it, relative to WORKDIR. */
  copies: { from: string; to: string }[];
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
}

/** Reads the Dockerfile's COPY, ENV, CMD and HEALTHCHECK instructions (one WORKDIR, exec-form commands). */
export function readDockerfile(text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): Image {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const image: Image = { copies: [], env: {}, cmd: [], healthcheck: [] };
  for (const line of instructions) {
    const [keyword = '', ...rest] = line.trim().split(/\s+/);
    const args = rest.filter((a) => !a.startsWith('--'));
    if (keyword === 'COPY') {
      const to = args.at(-1) ?? '';
      for (const from of args.slice(0, -1)) {
        image.copies.push({
          from,
          to: normalize(to.endsWith('/') ? join(to, from.split('/').at(-1) ?? '') : to),
        });
      }
    } else if (keyword === 'ENV') {
      for (const pair of args) {
        const [name = '', ...value] = pair.split('=');
        image.env[name] = value.join('=');
      }
    } else if (keyword === 'CMD') {
      image.cmd = JSON.parse(rest.join(' ')) as string[];
    } else if (keyword === 'HEALTHCHECK') {
      image.healthcheck = JSON.parse(line.slice(line.indexOf('CMD') + 3)) as string[];
    }
  }
  return image;
}

export interface BundledBot {
  url: string;
  dir: string;
  /** Every log message so far, in order. */
  logs: string[];
  /** Runs the image's HEALTHCHECK command against the bot; its exit code. */
  healthcheck(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Lays the image's files out in a new directory and starts the bot there with the image's
 * environment plus `env` (PORT is a free one; TRANCHE_LEDGER a file in that directory). Resolves
 * once the bot listens; rejects if it exits first.
 */
export async function startBundledBot(env: Record<string, string>): Promise<BundledBot> {
  const image = readDockerfile();
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bundled-bot-'));
  for (const { from, to } of image.copies) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(join(ROOT, from), join(dir, to));
  }
  const port = await freePort();
  const processEnv = {
    PATH: process.env.PATH ?? '',
    ...image.env,
    PORT: String(port),
    TRANCHE_LEDGER: join(dir, 'ledger.db'),
    ...env,
  };
  const [command, ...args] = image.cmd;
  if (command !== 'node') throw new Error(`the image runs ${command}, not node`);
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: processEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let output = '';
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) {
        const message = messageOf(line);
        logs.push(message);
        if (message.startsWith('Listening on')) resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.once('exit', (code, signal) =>
      reject(new Error(`the bot exited (${code ?? signal}) before listening:\n${logs.join('\n')}`)),
    );
  });
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    logs,
    async healthcheck() {
      const [check, ...checkArgs] = image.healthcheck;
      if (check !== 'node') throw new Error(`the healthcheck runs ${check}, not node`);
      const probe = spawn(process.execPath, checkArgs, { env: processEnv, stdio: 'ignore' });
      const [code] = (await once(probe, 'exit')) as [number | null];
      return code;
    },
    stop,
  };
}

function messageOf(line: string): string {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
  } catch {
    return line;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
}

/** A port nothing listens on now (the bot takes PORT; Probot reads PORT=0 as its default 3000). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
