/**
 * What every handler works with: the bot's dependencies (ledger, clock), the repository and its
 * client, the delivery being handled, and the repository's settings from tranche.yml.
 */
import type { Probot } from 'probot';
import type { LoadedConfig } from '../src/config/load.ts';
import { type BotConfig, botSchema, type TrancheConfig } from '../src/config/schema.ts';
import type { Logger as DeploymentLogger } from '../src/github/deployments.ts';
import type { DeliveryClaim, Ledger, ReleaseLimits } from '../src/ledger/types.ts';
import { NO_NOTICES, type ReleaseNotifier } from '../src/release/notices.ts';
import type { RepoScope } from './github/bot-octokit.ts';
import type { RepoConfig } from './github/read-config.ts';

export interface BotDeps {
  ledger: Ledger;
  /** Epoch milliseconds; a test's fake clock drives lease expiry. */
  now: () => number;
  /** Where tranche.yml is looked for in each repository, first found first. */
  configPaths: readonly string[];
  /** This bot process, as the holder of the promotions it claims (unique per process). */
  replica: string;
  /** Where a repository's tranche.yml sends word of verdicts and tracks (src/notify); default nowhere. */
  notices?: ((config: TrancheConfig, log: BotLog) => ReleaseNotifier) | undefined;
}

/**
 * The logging the handlers use: Probot's pino logger satisfies it. `info` is for what the bot does
 * and decides (a release started or ended, a refusal); what it only saw and recorded, such as a
 * status that leaves a release open, is `debug` (LOG_LEVEL=debug shows it; the ledger keeps it).
 */
export interface BotLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** Probot's logger (an app's or a webhook's) as the handlers' BotLog. */
export function botLog(log: Pick<Probot['log'], 'debug' | 'info' | 'warn'>): BotLog {
  return { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m) };
}

export interface HandlerScope extends RepoScope {
  deps: BotDeps;
  log: BotLog;
  delivery: DeliveryClaim;
  config: RepoConfig;
  settings: BotConfig;
}

/** The bot's settings: tranche.yml's `bot:` section, or its defaults when there is no valid file. */
export function botSettings(config: RepoConfig): BotConfig {
  return config.state === 'loaded' ? config.loaded.config.bot : botSchema.parse({});
}

export function limitsOf(settings: BotConfig): ReleaseLimits {
  return { concurrentReleases: settings.concurrentReleases, leaseMs: settings.lease };
}

export function loadedConfig(scope: HandlerScope): LoadedConfig | undefined {
  return scope.config.state === 'loaded' ? scope.config.loaded : undefined;
}

/** The notifier of the repository's tranche.yml; one that sends nothing without a valid file. */
export function releaseNotifier(scope: HandlerScope): ReleaseNotifier {
  const loaded = loadedConfig(scope);
  return loaded && scope.deps.notices ? scope.deps.notices(loaded.config, scope.log) : NO_NOTICES;
}

/** src/github's logger shape over the bot's. */
export function deploymentLogger(log: BotLog): DeploymentLogger {
  return { info: (m) => log.info(m), warning: (m) => log.warn(m) };
}
