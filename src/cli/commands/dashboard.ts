/**
 * `tranche dashboard`: the deployment manager page (src/dashboard) served from this machine's
 * ledger on 127.0.0.1 only, behind a secret made at launch and printed in its URL. Its buttons run
 * this CLI's own deploy and rollback, in this process, for the config's service.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { resolveTracks } from '../../config/resolve.ts';
import { type ActionResult, createDashboardHandler, type DashboardActions } from '../../dashboard/host.ts';
import { localAuth } from '../../dashboard/local-auth.ts';
import type { CommitView } from '../../dashboard/panels/panel.ts';
import { actingName } from '../../release/actor.ts';
import { type CommonOptions, configDir, loadProject, openProjectLedger, type Project } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { deployCommand } from './deploy.ts';
import { rollbackCommand } from './rollback.ts';
import { environmentTargets } from './tracks.ts';

const git = promisify(execFile);

export interface DashboardCommandOptions extends CommonOptions {
  port?: string | undefined;
}

/** Commits the commits panel lists. */
const COMMITS = 15;

export async function dashboardCommand(options: DashboardCommandOptions, runtime: Runtime): Promise<number> {
  const port = parsePort(options.port);
  const project = existsSync(resolve(runtime.cwd, options.config))
    ? await loadProject(options, runtime)
    : undefined;
  // With a config it is the config's ledger, made if need be (a deploy may start while the page is
  // open); without one, only a ledger that is there.
  const ledger = project
    ? await openProjectLedger(options, runtime, project.dir)
    : await openProjectLedger(options, runtime, configDir(options, runtime), 'existing');
  const actor = actingName(undefined, runtime.env);
  const config = project?.loaded.config;
  const inFlight = new Set<Promise<ActionResult>>();
  const auth = localAuth('', {
    actor,
    canRead: async () => true,
    // Only the config's service: its deploy commands and checks are what this process can run. An
    // environment it does not define is the command's to refuse, naming the ones it does.
    canAct: async (service) => config !== undefined && service === config.service,
  });
  const track = (work: Promise<ActionResult>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };
  const handler = createDashboardHandler({
    basePath: '',
    auth,
    actions: project ? localActions(project, options, runtime, track) : noActions,
    ledger,
    host: 'local',
    title: config ? `Tranche · ${config.service}` : 'Tranche',
    known: async () =>
      config ? [{ service: config.service, environments: Object.keys(config.environments) }] : [],
    commits:
      project && config
        ? (service) => (service === config.service ? recentCommits(project.dir) : Promise.resolve([]))
        : undefined,
    tracks: async (service) =>
      project && service === project.loaded.config.service
        ? { tracks: resolveTracks(project.loaded.config), environmentTargets: environmentTargets(project) }
        : undefined,
    onError: (error) =>
      runtime.stderr.write(`tranche dashboard: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const server = createServer((req, res) => {
    if (!fromThisMachine(req, server)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('this dashboard answers only at 127.0.0.1 and localhost\n');
      return;
    }
    if (auth.login(req, res)) return;
    void handler(req, res).then((handled) => {
      if (handled) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    });
  });
  const bound = await listen(server, port);
  runtime.stdout.write(
    `tranche dashboard: open http://127.0.0.1:${bound}${auth.loginPath}?token=${auth.secret}\n(Ctrl-C stops it)\n`,
  );
  await new Promise<void>((done) => {
    const off = runtime.onSignal(() => {
      off();
      done();
    });
  });
  handler.close();
  server.close();
  // A deploy or rollback started from the page heard the signal too: let it roll back, record and
  // answer the page, then close what is still open.
  await Promise.allSettled([...inFlight]);
  server.closeAllConnections();
  await ledger.close();
  return 0;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new UsageError(`--port ${text}: not a port number (0–65535; 0 picks a free one)`);
  return port;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new UsageError(`--port ${port}: cannot listen on 127.0.0.1:${port} (${error.code ?? error.message})`),
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The Host header names this server as 127.0.0.1 or localhost: a rebound DNS name gets nothing. */
function fromThisMachine(req: IncomingMessage, server: Server): boolean {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : undefined;
  return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
}

const noActions: DashboardActions = {
  rollback: async () => ({ ok: false, message: 'no tranche.yml here: the dashboard only reads the ledger' }),
  deploy: async () => ({ ok: false, message: 'no tranche.yml here: the dashboard only reads the ledger' }),
};

/** The CLI's own rollback and deploy, run in this process with their output kept for the reply. */
function localActions(
  project: Project,
  options: DashboardCommandOptions,
  runtime: Runtime,
  track: (work: Promise<ActionResult>) => Promise<ActionResult>,
): DashboardActions {
  const common = { config: project.loaded.file, ledger: options.ledger, json: true };
  return {
    rollback: ({ environment, version, actor }) =>
      track(
        runQuietly(runtime, (quiet) =>
          rollbackCommand({ ...common, environment, to: version, actor }, quiet),
        ),
      ),
    deploy: ({ environment, version, commit, actor }) =>
      track(
        runQuietly(runtime, (quiet) =>
          deployCommand({ ...common, environment, version, commit, actor }, quiet),
        ),
      ),
  };
}

/** Runs a command with its output captured; its JSON result's message (or its error) is the reply. */
async function runQuietly(
  runtime: Runtime,
  command: (quiet: Runtime) => Promise<number>,
): Promise<ActionResult> {
  let stdout = '';
  let stderr = '';
  const quiet: Runtime = {
    ...runtime,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    onStdoutClosed: () => () => {},
  };
  try {
    const code = await command(quiet);
    return { ok: code === 0, message: resultMessage(stdout) ?? lastLine(stderr) ?? `exit ${code}` };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function resultMessage(stdout: string): string | undefined {
  const start = stdout.lastIndexOf('\n{');
  try {
    const result: unknown = JSON.parse(start >= 0 ? stdout.slice(start + 1) : stdout);
    return typeof result === 'object' && result !== null && 'message' in result
      ? String(result.message)
      : undefined;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1);
}

async function recentCommits(dir: string): Promise<CommitView[]> {
  try {
    const { stdout } = await git('git', ['log', `-n${COMMITS}`, '--format=%H%x1f%s%x1f%an%x1f%ct'], {
      cwd: dir,
    });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', subject = '', author = '', at = '0'] = line.split('\x1f');
        return { sha, subject, author, at: Number(at) * 1000 };
      });
  } catch {
    return [];
  }
}
