/**
 * Sends notices to the channels of the environments they concern, without waiting: each message
 * is delivered in the background (deliver.ts) while the deploy goes on, and drain() lets the
 * ones still in flight finish (each within its own time limit) before the process exits. Every
 * outcome is logged by channel kind and the name of the variable holding its URL, never the URL.
 */
import { randomUUID } from 'node:crypto';
import { environmentUrl } from '../config/environment-url.ts';
import type { TrancheConfig } from '../config/schema.ts';
import type { Clock } from '../engine/ports.ts';
import type { ReleaseNotice, ReleaseNotifier } from '../release/notices.ts';
import { deliver } from './deliver.ts';
import type { NoticeKind } from './kinds.ts';
import type { Notice } from './notice.ts';
import { slackMessage } from './slack.ts';
import { teamsMessage } from './teams.ts';
import { DELIVERY_HEADER, signedHeaders, webhookBody } from './webhook.ts';

export const CHANNEL_KINDS = ['slack', 'teams', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface Channel {
  environment: string;
  kind: ChannelKind;
  /** The variable the URL came from: how logs name the channel. */
  urlEnv: string;
  /** A secret: never logged, printed or recorded. */
  url: string;
  /** The webhook's signing secret. */
  secret?: string | undefined;
  events: ReadonlySet<NoticeKind>;
  timeoutMs: number;
  /** The environment's dashboard url template. */
  dashboard?: string | undefined;
}

export interface NotifyLog {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * Every environment's channels whose variables are set; a channel whose URL (or secret) variable
 * is not set is left out with a warning naming the variable.
 */
export function configuredChannels(
  config: TrancheConfig,
  env: Record<string, string | undefined>,
  log: NotifyLog,
): Channel[] {
  const channels: Channel[] = [];
  for (const [environment, settings] of Object.entries(config.environments)) {
    const notify = settings.notify;
    if (!notify) continue;
    for (const kind of CHANNEL_KINDS) {
      const configured = notify[kind];
      if (!configured) continue;
      const url = env[configured.urlEnv];
      const secretEnv = 'secretEnv' in configured ? configured.secretEnv : undefined;
      const secret = secretEnv === undefined ? undefined : env[secretEnv];
      const missing = !url ? configured.urlEnv : secretEnv !== undefined && !secret ? secretEnv : undefined;
      if (missing !== undefined) {
        log.warning(`notifications: ${missing} is not set; ${environment}'s ${kind} notifications are off`);
        continue;
      }
      channels.push({
        environment,
        kind,
        urlEnv: configured.urlEnv,
        url: url as string,
        secret,
        events: new Set(notify.events),
        timeoutMs: notify.timeout,
        dashboard: notify.dashboard,
      });
    }
  }
  return channels;
}

export interface NotifierOptions {
  clock: Clock;
  log: NotifyLog;
  /** Backoff's jitter; default Math.random. */
  random?: (() => number) | undefined;
  /** The first retry's longest wait; default 1 s (deliver.ts). */
  backoffMs?: number | undefined;
}

export class Notifier implements ReleaseNotifier {
  private readonly channels: readonly Channel[];
  private readonly options: NotifierOptions;
  private readonly pending = new Set<Promise<void>>();
  /** Every URL and signing secret: Tranche's credentials, withheld from deploy commands. */
  readonly secrets: readonly string[];

  constructor(channels: readonly Channel[], options: NotifierOptions) {
    this.channels = channels;
    this.options = options;
    this.secrets = channels.flatMap((c) => (c.secret ? [c.url, c.secret] : [c.url]));
  }

  /** True when no channel is configured: callers may skip building notices. */
  get silent(): boolean {
    return this.channels.length === 0;
  }

  notify(notice: ReleaseNotice): void {
    this.send(notice);
  }

  /** Starts delivering the notice to each channel that wants it; returns at once. */
  send(notice: Notice): void {
    const seen = new Set<string>();
    for (const channel of this.channels) {
      if (!notice.environments.includes(channel.environment) || !channel.events.has(notice.kind)) continue;
      const key = `${channel.kind}\u0000${channel.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const delivery = this.deliverTo(channel, notice)
        .catch((error: unknown) => {
          // deliver() does not throw; this keeps a defect from becoming an unhandled rejection.
          const name = error instanceof Error ? error.name : 'error';
          this.options.log.warning(
            `notification ${notice.kind} to ${channel.kind} (${channel.urlEnv}): not sent: ${name}`,
          );
        })
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /** Deliveries started and not finished yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Waits for every delivery in flight; each ends within its channel's timeout. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliverTo(channel: Channel, notice: Notice): Promise<void> {
    const { clock, log } = this.options;
    const withDashboard = { ...notice, links: [...notice.links, ...dashboardLink(channel, notice)] };
    const body = JSON.stringify(render(channel.kind, withDashboard));
    const id = randomUUID();
    const secret = channel.secret;
    const outcome = await deliver(
      {
        url: channel.url,
        body,
        headers: (now) =>
          channel.kind === 'webhook' && secret !== undefined
            ? { [DELIVERY_HEADER]: id, ...signedHeaders(secret, body, now) }
            : {},
      },
      { timeoutMs: channel.timeoutMs, clock, random: this.options.random, backoffMs: this.options.backoffMs },
    );
    const what = `notification ${notice.kind} to ${channel.kind} (${channel.urlEnv})`;
    const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
    if (outcome.status === 'sent') log.info(`${what}: sent (${attempts})`);
    else log.warning(`${what}: failed after ${attempts}: ${this.redact(outcome.reason)}`);
  }

  private redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
  }
}

function render(kind: ChannelKind, notice: Notice): Record<string, unknown> {
  if (kind === 'slack') return slackMessage(notice);
  if (kind === 'teams') return teamsMessage(notice);
  return webhookBody(notice);
}

function dashboardLink(channel: Channel, notice: Notice): Notice['links'] {
  if (channel.dashboard === undefined) return [];
  const url = environmentUrl(channel.dashboard, {
    service: notice.service,
    environment: channel.environment,
    version: notice.version ?? '',
  });
  return [{ rel: 'dashboard', title: 'Dashboard', url }];
}
