/**
 * A real Prometheus (Debian's package) for tests: started on a free 127.0.0.1 port with a
 * throwaway config and data directory, scraping the given targets every second, and stopped
 * (process and files) afterwards. Outside CI a missing binary skips the tests that need it, with
 * a message; with CI=true it fails them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi } from '../../src/render/progress.ts';

export interface PrometheusServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Resolves once `query` returns at least `series` series (the first scrapes have landed). */
  waitForSeries(query: string, series: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The prometheus binary: $PROMETHEUS_BIN, /usr/bin/prometheus, or one on PATH. */
export function findPrometheus(): string | undefined {
  const candidates = [process.env.PROMETHEUS_BIN, '/usr/bin/prometheus'].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  return which.status === 0 && path ? path : undefined;
}

/** Why the real-Prometheus tests cannot run here, or undefined when they can. Throws in CI. */
export function prometheusUnavailable(): string | undefined {
  if (findPrometheus()) return undefined;
  const why = "prometheus not found (install Debian's prometheus package or set PROMETHEUS_BIN)";
  if (isCi(process.env.CI)) throw new Error(`in CI (CI=${process.env.CI}) and ${why}`);
  console.warn(`skipping the real-Prometheus tests: ${why}`);
  return why;
}

export async function startPrometheus(options: {
  scrape: string[];
  intervalMs?: number;
}): Promise<PrometheusServer> {
  const binary = findPrometheus();
  if (!binary) throw new Error('prometheus not found');
  const dir = mkdtempSync(join(tmpdir(), 'tranche-prometheus-'));
  const port = await freePort();
  const interval = `${options.intervalMs ?? 1000}ms`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: fake',
      '    static_configs:',
      `      - targets: [${options.scrape.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child).finally(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await until(
      async () => (await fetch(`${url}/-/ready`)).ok,
      30_000,
      () => exited(child, stderr),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    async waitForSeries(query, series, timeoutMs = 30_000) {
      await until(
        async () => {
          const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`);
          const body = (await response.json()) as { data?: { result?: unknown[] } };
          return (body.data?.result?.length ?? 0) >= series;
        },
        timeoutMs,
        () => exited(child, stderr),
      );
    },
  };
}

function exited(child: ChildProcess, stderr: string): string | undefined {
  return child.exitCode !== null || child.signalCode !== null
    ? `prometheus exited (${child.exitCode ?? child.signalCode}): ${stderr.trim().slice(-800)}`
    : undefined;
}

/** Polls `ready` every 100 ms until it holds; fails with `dead()`'s reason or after timeoutMs. */
async function until(
  ready: () => Promise<boolean>,
  timeoutMs: number,
  dead: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const died = dead();
    if (died) throw new Error(died);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`prometheus not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
}
