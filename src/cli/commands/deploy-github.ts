/**
 * `tranche deploy --github owner/repo`: the same deploy, reported to GitHub as the Action reports
 * it (check run, deployment and statuses), from any CI or a laptop. The token comes from
 * GITHUB_TOKEN and is never printed; `--ledger github` keeps versions as tags there too.
 */
import { basename, resolve } from 'node:path';
import { parseRepo } from '../../github/client.ts';
import { type DeployStore, githubStore, ledgerStore } from '../../github/deploy-store.ts';
import { deployToGitHub } from '../../github/github-deploy.ts';
import { createOctokitClient } from '../../github/octokit.ts';
import { runNoticeReporter } from '../../notify/front-door.ts';
import { createReporter, isCi } from '../../render/progress.ts';
import { repoRelativePath } from '../git.ts';
import { ciLogUrl, cliNotifier, drainingAfter } from '../notify.ts';
import { chooseEnvironment, type Project, projectCommandEnv, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import type { DeployOptions } from './deploy-options.ts';
import { report } from './report-result.ts';

export async function deployWithGitHub(
  options: DeployOptions & { github: string },
  runtime: Runtime,
  project: Project,
  what: { commit: string | null; dirty: boolean; actor: string },
): Promise<number> {
  const { commit, dirty, actor } = what;
  const repo = parseRepo(options.github);
  if (!repo) throw new UsageError(`--github ${options.github}: expected owner/repo`);
  const token = runtime.env.GITHUB_TOKEN;
  if (!token)
    throw new UsageError('--github reports to GitHub with the token in GITHUB_TOKEN, which is not set');
  if (!commit)
    throw new UsageError('--github needs the deployed commit: run in a git work tree or pass --commit');
  const environment = chooseEnvironment(project, options);
  const progress = options.json ? runtime.stderr : runtime.stdout;
  const log = {
    info: (message: string) => progress.write(`${message}\n`),
    warning: (message: string) => runtime.stderr.write(`tranche: warning: ${message}\n`),
  };
  const configFile = resolve(runtime.cwd, options.config);
  const client = createOctokitClient(token, { baseUrl: runtime.env.GITHUB_API_URL, log });
  const notifier = cliNotifier(project, runtime, options);
  const run = async (store: DeployStore) => {
    const controller = new AbortController();
    const unsubscribe = runtime.onSignal((signal) => {
      if (controller.signal.aborted) return;
      progress.write(`received ${signal}: stopping, then rolling back touched targets per onFailure\n`);
      controller.abort();
    });
    const reporter = createReporter(progress, { ci: isCi(runtime.env.CI) });
    try {
      return await deployToGitHub({
        client,
        repo,
        sha: commit,
        dirty,
        actor,
        loaded: project.loaded,
        configPath: (await repoRelativePath(configFile)) ?? basename(configFile),
        cwd: project.dir,
        environment,
        store,
        version: options.version,
        dryRun: false,
        logUrl: ciLogUrl(runtime.env),
        signal: controller.signal,
        progress: reporter,
        baseEnv: projectCommandEnv(project, options, runtime, [token, ...notifier.secrets]),
        notices: (links) => runNoticeReporter(notifier, actor, links),
        serverUrl: runtime.env.GITHUB_SERVER_URL,
        log,
      });
    } finally {
      unsubscribe();
      reporter.finish();
    }
  };
  const outcome = await drainingAfter(notifier, () =>
    options.ledger === 'github'
      ? run(githubStore(client, repo))
      : withLedger(options, runtime, project.dir, (ledger) => run(ledgerStore(ledger))),
  );
  if (outcome.result) report(outcome.result, options, runtime);
  return outcome.decision === 'succeeded' ? 0 : 1;
}
