/** Runs fixture scripts as real processes that all start their work at the same moment. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FIXTURES = {
  admit: fileURLToPath(new URL('./fixtures/admit.ts', import.meta.url)),
  allocate: fileURLToPath(new URL('./fixtures/allocate.ts', import.meta.url)),
  lock: fileURLToPath(new URL('./fixtures/lock.ts', import.meta.url)),
};

export interface Worker {
  child: ChildProcess;
  /** Resolves once the process has exited with 0, to the JSON lines it printed; rejects otherwise. */
  output: Promise<unknown[]>;
  /** Resolves to the first JSON line the process prints. */
  firstLine: Promise<unknown>;
}

/**
 * Starts one process per argument list and, once every one of them has loaded (printed `ready`),
 * lets them all go at once by writing a line to each one's stdin.
 */
export async function startTogether(script: string, argLists: string[][]): Promise<Worker[]> {
  const workers: Worker[] = [];
  const readies: Promise<void>[] = [];
  for (const [i, args] of argLists.entries()) {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let onLine: (line: unknown) => void = () => undefined;
    const firstLine = new Promise<unknown>((resolve) => {
      onLine = resolve;
    });
    readies.push(
      new Promise((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.startsWith('ready\n')) resolve();
          const json = stdout.split('\n').find((l) => l.startsWith('{'));
          if (json && stdout.includes(`${json}\n`)) onLine(JSON.parse(json));
        });
        child.once('exit', () => reject(new Error(`worker ${i} exited before it was ready: ${stderr}`)));
      }),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const output = new Promise<unknown[]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (code !== 0) reject(new Error(`worker ${i} exited with ${code ?? signal}: ${stderr}`));
        else
          resolve(
            stdout
              .split('\n')
              .filter((l) => l.startsWith('{'))
              .map((l) => JSON.parse(l)),
          );
      });
    });
    // A test that only looks at firstLine must not leave an unhandled rejection behind.
    output.catch(() => undefined);
    workers.push({ child, output, firstLine });
  }
  try {
    await Promise.all(readies);
  } catch (error) {
    for (const { child } of workers) child.kill();
    throw error;
  }
  for (const { child } of workers) child.stdin?.end('go\n');
  return workers;
}

/** Starts the processes together and waits for every one to finish; the JSON lines of each. */
export async function runTogether(script: string, argLists: string[][]): Promise<unknown[][]> {
  const workers = await startTogether(script, argLists);
  return Promise.all(workers.map((w) => w.output));
}
