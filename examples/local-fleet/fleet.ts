/**
 * The demo fleet: one tiny HTTP server per target of tranche.yml, on 127.0.0.1 at the target's
 * `port` label. Each server serves whatever release the deploy script last put in its state
 * directory: /healthz, /query (slow when the release is broken on the target's cloud) and /version.
 * Run it alone (`node examples/local-fleet/fleet.ts`) to keep the fleet up while you try the CLI.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.ts';
import { listedTargets } from '../../src/config/targets.ts';

export interface Fleet {
  targets: { name: string; port: number; cloud: string }[];
  close(): Promise<void>;
}

interface Release {
  /** Clouds on which this build is slow: the bug the demo's canary catches. */
  slowOn?: string[];
}

export async function startFleet(configPath: string, stateDir: string): Promise<Fleet> {
  const { config } = await loadConfig(configPath);
  const targets = Object.values(config.environments)
    .flatMap((environment) => environment.components)
    .flatMap((component) => listedTargets(component.targets))
    .map((target) => ({
      name: target.name,
      port: Number(target.labels?.port),
      cloud: String(target.labels?.cloud ?? 'none'),
    }));
  const servers: Server[] = [];
  try {
    for (const target of targets) servers.push(await listen(target, join(stateDir, 'targets', target.name)));
  } catch (error) {
    await Promise.all(servers.map(close));
    throw error;
  }
  return { targets, close: () => Promise.all(servers.map(close)).then(() => undefined) };
}

function listen(target: { name: string; port: number; cloud: string }, dir: string): Promise<Server> {
  const server = createServer(async (request, response) => {
    const version = (await readFile(join(dir, 'version'), 'utf8').catch(() => 'none\n')).trim();
    const release = JSON.parse(
      await readFile(join(dir, 'release.json'), 'utf8').catch(() => '{}'),
    ) as Release;
    const slow = release.slowOn?.includes(target.cloud) ?? false;
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/healthz') return reply(200, { target: target.name, version });
    if (request.url === '/version') return reply(200, { version });
    if (request.url === '/query') {
      const base = slow ? 300 : 8;
      setTimeout(() => reply(200, { rows: 42 }), base + Math.random() * base * 0.2);
      return;
    }
    return reply(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${target.port} (${target.name}) is in use: stop whatever listens there and try again`,
            )
          : error,
      ),
    );
    server.listen(target.port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const state = process.env.DEMO_STATE ?? join(here, '.fleet');
  const fleet = await startFleet(join(here, 'tranche.yml'), state);
  console.log(
    `fleet up: ${fleet.targets.map((t) => `${t.name}@${t.port}`).join(' ')} (state in ${state}); Ctrl-C stops it`,
  );
  const stop = () => void fleet.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
