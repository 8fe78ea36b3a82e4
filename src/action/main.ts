/**
 * The Action: inputs → deploy reported to GitHub → outputs and job summary, inside one try/catch.
 * SIGINT and SIGTERM (the runner cancelling the job) abort the run: the engine stops, rolls back
 * per onFailure, and the check run and deployment are closed as cancelled.
 */
import { relative, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { readInventories } from '../config/inventory.ts';
import { type LoadedConfig, loadConfig } from '../config/load.ts';
import { CONFIG_PATHS, configHome, configName, hiddenBy, locateConfig } from '../config/location.ts';
import { systemClock } from '../engine/clock.ts';
import { commandBaseEnv } from '../exec/base-env.ts';
import { inventoryReader } from '../exec/inventory-reader.ts';
import { redactedMessage } from '../github/client.ts';
import { githubStore, ledgerStore } from '../github/deploy-store.ts';
import { DeploySetupError, deployToGitHub, type GitHubDeployOutcome } from '../github/github-deploy.ts';
import { storedActor } from '../ledger/actor.ts';
import { ledgerCredential, openLedger } from '../ledger/open.ts';
import type { Ledger } from '../ledger/types.ts';
import { createNotifier, runNoticeReporter } from '../notify/front-door.ts';
import type { Notifier } from '../notify/notifier.ts';
import { createReporter } from '../render/progress.ts';
import { headline } from '../render/summary.ts';
import {
  actionLog,
  annotateError,
  fail,
  InputError,
  type Inputs,
  type RunContext,
  readInputs,
  readRunContext,
  writeJobSummary,
  writeOutputs,
} from './io.ts';
import { createActionClient } from './octokit.ts';
import { repositoryPath } from './repository-path.ts';

export async function run(): Promise<void> {
  const controller = new AbortController();
  const stop = (signal: string): void => {
    if (controller.signal.aborted) return;
    actionLog.info(`received ${signal}: stopping, then rolling back touched targets per onFailure`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let ledger: Ledger | undefined;
  let notifier: Notifier | undefined;
  try {
    const inputs = readInputs();
    const context = readRunContext();
    const configFile = configFileOf(inputs.config, context.workspace);
    actionLog.info(
      `tranche: ${context.eventName} on ${context.owner}/${context.repo}@${context.sha.slice(0, 7)}, config ${relative(context.workspace, configFile)}`,
    );
    for (const hidden of hiddenBy(configFile)) {
      actionLog.warning(
        `${relative(context.workspace, hidden)} is not read: ${relative(context.workspace, configFile)} comes first, for the bot and the CLI too; remove one of them`,
      );
    }
    const config = await loadRelative(configFile, context.workspace);
    const environment = chooseEnvironment(inputs, context, config);
    notifier = createNotifier(config.config, process.env, { clock: systemClock, log: actionLog });
    const notices = notifier;
    const baseEnv = commandBaseEnv(process.env, {
      credentials: [ledgerCredential(inputs.ledger), inputs['github-token'], ...notices.secrets],
      pass: config.config.passEnv,
    });
    // Commands run in the config's directory, the checkout's root for .github/tranche.yml.
    const cwd = configHome(configFile);
    const read = inventoryReader({ cwd, baseEnv, service: config.config.service });
    const loaded = await readInventories(config, environment, read);
    // A dry run plans from the config alone: it opens (and makes) no ledger.
    const reads = inputs.ledger !== 'github' && !inputs['dry-run'];
    ledger = reads ? await openLedger(inputs.ledger, context.workspace) : undefined;
    const client = createActionClient(inputs['github-token'], actionLog);
    const repo = { owner: context.owner, repo: context.repo };
    const outcome = await deployToGitHub({
      client,
      repo,
      sha: context.sha,
      loaded,
      configPath: repositoryPath(configFile, context.workspace),
      cwd,
      environment,
      store: ledger ? ledgerStore(ledger) : githubStore(client, repo),
      deployment: context.deployment,
      actor: storedActor(context.actor) ?? undefined,
      dryRun: inputs['dry-run'],
      logUrl: context.runUrl,
      productionEnvironment: inputs['production-environment'],
      transientEnvironment: inputs['transient-environment'],
      signal: controller.signal,
      progress: createReporter(process.stdout, { ci: true }),
      notices: (links) => runNoticeReporter(notices, context.actor, links),
      serverUrl: context.serverUrl,
      baseEnv,
      log: actionLog,
    });
    report(outcome);
    await writeJobSummary(outcome.markdown);
    if (outcome.result && outcome.decision !== 'succeeded') fail(headline(outcome.result));
  } catch (error) {
    failed(error);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ledger?.close();
    await notifier?.drain();
  }
}

/**
 * The config file the input names, from the workspace; for a directory (the workspace when the
 * input is left out, or a checkout of the default branch), the repository's config in it.
 */
function configFileOf(input: string | undefined, workspace: string): string {
  const located = locateConfig(resolve(workspace, input ?? '.'));
  if ('file' in located) return located.file;
  throw new InputError(
    `no Tranche configuration in ${relative(workspace, located.missing) || 'the workspace'}: no ${configName(CONFIG_PATHS)}; check the repository out first (actions/checkout), or name the file in the config input`,
  );
}

/** The config, with problems named by their path from the repository root (for annotations). */
function loadRelative(file: string, workspace: string): Promise<LoadedConfig> {
  return loadConfig(file, relative(workspace, file));
}

/** The input, else the deployment event's environment, else the only one the config defines. */
function chooseEnvironment(inputs: Inputs, context: RunContext, loaded: LoadedConfig): string {
  const fromEvent = context.deployment?.environment;
  if (inputs.environment && fromEvent && inputs.environment !== fromEvent) {
    throw new InputError(
      `input environment is ${inputs.environment} but the deployment is for ${fromEvent}; leave the input out for deployment events`,
    );
  }
  const chosen = inputs.environment ?? fromEvent;
  if (chosen) return chosen;
  const names = Object.keys(loaded.config.environments);
  if (names.length === 1) return names[0] as string;
  throw new InputError(`input environment is required: ${loaded.file} defines ${names.join(', ')}`);
}

function report(outcome: GitHubDeployOutcome): void {
  writeOutputs({
    version: outcome.version ?? '',
    decision: outcome.decision,
    'reason-code': outcome.reasonCode,
    'deployment-id': outcome.deploymentId === null ? '' : String(outcome.deploymentId),
    'check-run-id': outcome.checkRunId === null ? '' : String(outcome.checkRunId),
    result: JSON.stringify(outcome.result ?? outcome.plan),
  });
}

function failed(error: unknown): void {
  if (error instanceof ConfigError) {
    for (const issue of error.issues) annotateError(issue.message, issue.file, issue.line, issue.column);
  }
  if (error instanceof DeploySetupError) {
    writeOutputs({
      version: '',
      decision: '',
      'reason-code': '',
      'deployment-id': error.deploymentId === null ? '' : String(error.deploymentId),
      'check-run-id': error.checkRunId === null ? '' : String(error.checkRunId),
      result: '',
    });
  }
  fail(redactedMessage(error));
}
