/**
 * The Tranche bot, a Probot app: PR comment commands, locks and a release queue, a record of
 * every deployment, release tracks with promotion timers, fleet-wide verdicts from deployment
 * statuses, CI runs and jobs' reports (POST /tranche/outcomes), a deployment protection rule, and
 * the deployment manager page at /dashboard for people signed in with GitHub (dashboard/).
 * `trancheBot` wires it to a ledger; the default export opens the ledger the CLI would
 * (TRANCHE_LEDGER, a postgres:// DATABASE_URL, else .tranche/ledger.db) for createNodeMiddleware
 * in any Node server (`npm run bot` is one). Not for Probot's `run`, whose server hands webhooks
 * to Probot before the app's handlers and so past the bot's guard of their bodies.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ApplicationFunction, Probot } from 'probot';
import { CONFIG_PATHS } from '../src/config/location.ts';
import { systemClock } from '../src/engine/clock.ts';
import { ledgerLocation, openLedger } from '../src/ledger/open.ts';
import type { Ledger } from '../src/ledger/types.ts';
import { createNotifier } from '../src/notify/front-door.ts';
import { type BotDeps, deploymentLogger } from './bot-scope.ts';
import { type BotDashboard, botDashboard } from './dashboard/bot-dashboard.ts';
import { type DashboardSettings, dashboardSettings } from './dashboard/settings.ts';
import { onCheckRun, onWorkflowRun } from './handlers/on-ci-run.ts';
import { onComment } from './handlers/on-comment.ts';
import { onDeploymentStatus } from './handlers/on-deployment-status.ts';
import { onProtectionRule } from './handlers/on-protection-rule.ts';
import { OUTCOMES_PATH, outcomesEndpoint } from './http/outcomes-endpoint.ts';
import { type Redeliveries, redeliveries } from './http/redeliveries.ts';
import { webhookGuard } from './http/webhook-guard.ts';
import { sweep } from './sweep.ts';

/** The webhook events the bot handles: app.yml subscribes to these and no others. */
export const EVENTS = [
  'issue_comment',
  'deployment_status',
  'check_run',
  'workflow_run',
  'deployment_protection_rule',
] as const;
/** How often the bot process looks for releases whose lease ran out and promotions that are due. */
export const DEFAULT_SWEEP_MS = 60_000;
/** How often a SQLite ledger's WAL is checkpointed, off the webhooks' thread (src/ledger/wal-checkpointer.ts). */
export const CHECKPOINT_EVERY_MS = 250;

export interface TrancheBotOptions {
  ledger: Ledger;
  /** Epoch milliseconds; default the wall clock. */
  now?: (() => number) | undefined;
  /** tranche.yml's one path in each repository; default `.github/tranche.yml`, else `tranche.yml`. */
  configPath?: string | undefined;
  /** How often to sweep; 0 for never (a test calls `sweep`). Default 60 s. */
  sweepEveryMs?: number | undefined;
  /** This process as the holder of the promotions it claims; default host, pid and a random part. */
  replica?: string | undefined;
  /** The secret jobs sign POST /tranche/outcomes with; without one the endpoint is not mounted. */
  outcomesSecret?: string | undefined;
  /**
   * Where the webhook URLs and signing secrets a repository's `notify:` names are read from (the
   * bot's own environment); without it the bot sends no notifications.
   */
  env?: Record<string, string | undefined> | undefined;
  /** The app's OAuth client and the cookies' secret; without them /dashboard is not mounted. */
  dashboard?: DashboardSettings | undefined;
}

export interface TrancheBot {
  app: ApplicationFunction;
  /**
   * Expires releases whose lease ran out, carries out due promotions and hands due webhooks whose
   * handlers failed to them again (the timer's work).
   */
  sweep(): Promise<void>;
  /** Stops the timer, the dashboard's event streams and the redelivery (what waits stays in the ledger). */
  stop(): void;
}

export function trancheBot(options: TrancheBotOptions): TrancheBot {
  const deps: BotDeps = {
    ledger: options.ledger,
    now: options.now ?? Date.now,
    configPaths: options.configPath ? [options.configPath] : CONFIG_PATHS,
    replica: options.replica ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    notices: options.env ? notifierOver(options.env) : undefined,
  };
  let probot: Probot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let dashboard: BotDashboard | undefined;
  let redelivery: Redeliveries | undefined;
  const sweepNow = async () => {
    if (probot) await sweep(probot, deps);
  };
  const redeliverNow = async () => {
    await redelivery?.due();
  };
  /** Both, the webhooks due again even when the sweep fails (its failure is thrown after). */
  const runSweep = async () => {
    let failure: { error: unknown } | undefined;
    await sweepNow().catch((error: unknown) => {
      failure = { error };
    });
    await redeliverNow();
    if (failure) throw failure.error;
  };
  return {
    app(app, appOptions) {
      probot = app;
      // First: the webhook route is the bot's (Probot's reads and logs whatever it is sent).
      redelivery?.stop();
      const again = redeliveries({
        ledger: deps.ledger,
        receive: (event) => app.webhooks.receive(event),
        log: app.log,
        now: deps.now,
        holder: deps.replica,
      });
      redelivery = again;
      appOptions.addHandler(webhookGuard(app, { failed: (event) => void again.failed(event) }));
      app.on('issue_comment.created', (context) => onComment(context, deps));
      app.on('deployment_status.created', (context) => onDeploymentStatus(context, deps));
      app.on('check_run.completed', (context) => onCheckRun(context, deps));
      app.on('workflow_run.completed', (context) => onWorkflowRun(context, deps));
      app.on('deployment_protection_rule.requested', (context) => onProtectionRule(context, deps));
      if (options.outcomesSecret) appOptions.addHandler(outcomesEndpoint(app, deps, options.outcomesSecret));
      else
        app.log.info(
          `tranche bot: ${OUTCOMES_PATH} is off; set TRANCHE_OUTCOMES_SECRET to take jobs' outcomes`,
        );
      if (options.dashboard) {
        dashboard?.close();
        dashboard = botDashboard(app, deps, options.dashboard);
        appOptions.addHandler(dashboard);
      }
      const every = options.sweepEveryMs ?? DEFAULT_SWEEP_MS;
      if (every > 0 && timer === undefined) {
        // Each on its own, and a tick skips one still at work from an earlier tick (in a GitHub
        // outage a try can take minutes): no pile of sweeps, and no redelivery holding one up.
        const sweeping = unlessBusy(sweepNow, (error) => app.log.error(`sweep failed: ${error.message}`));
        const redelivering = unlessBusy(redeliverNow, (error) =>
          app.log.error(`redelivery failed: ${error.message}`),
        );
        timer = setInterval(() => {
          sweeping();
          redelivering();
        }, every);
        timer.unref();
      }
    },
    sweep: runSweep,
    stop() {
      clearInterval(timer);
      timer = undefined;
      dashboard?.close();
      redelivery?.stop();
    },
  };
}

/** Runs `work` when called, unless its last run has not ended; a failure goes to `failed`. */
function unlessBusy(work: () => Promise<void>, failed: (error: Error) => void): () => void {
  let busy = false;
  return () => {
    if (busy) return;
    busy = true;
    work()
      .catch((error: unknown) => failed(error as Error))
      .finally(() => {
        busy = false;
      });
  };
}

/** A repository's notifier over the bot's environment; deliveries run on in the background. */
function notifierOver(env: Record<string, string | undefined>): NonNullable<BotDeps['notices']> {
  return (config, log) =>
    createNotifier(config, env, {
      clock: systemClock,
      log: deploymentLogger(log),
    });
}

/** Probot's app function: the bot on the ledger named by the environment (see src/ledger/open.ts). */
const app: ApplicationFunction = async (probot, options) => {
  const location = ledgerLocation(undefined, process.env);
  const ledger = await openLedger(location, process.cwd(), {
    backgroundCheckpoints: {
      everyMs: CHECKPOINT_EVERY_MS,
      onError: (message) => probot.log.warn(`tranche bot: a ledger checkpoint failed: ${message}`),
    },
  });
  probot.log.info(
    `tranche bot: ledger ${location ? 'from TRANCHE_LEDGER / DATABASE_URL' : '.tranche/ledger.db'}`,
  );
  const configPath = process.env.TRANCHE_CONFIG;
  const outcomesSecret = process.env.TRANCHE_OUTCOMES_SECRET;
  const dashboard = dashboardSettings(process.env);
  if (typeof dashboard === 'string') probot.log.info(`tranche bot: ${dashboard}`);
  await trancheBot({
    ledger,
    configPath: configPath ? configPath : undefined,
    outcomesSecret: outcomesSecret ? outcomesSecret : undefined,
    env: process.env,
    dashboard: typeof dashboard === 'string' ? undefined : dashboard,
  }).app(probot, options);
};

export default app;
