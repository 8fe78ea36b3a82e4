/**
 * What every front door does to notify: build the notifier from tranche.yml and the environment
 * variables it names, and hear a run's events with the links this door has.
 */
import type { TrancheConfig } from '../config/schema.ts';
import type { Clock, Reporter } from '../engine/ports.ts';
import type { NoticeLink } from './notice.ts';
import { configuredChannels, Notifier, type NotifyLog } from './notifier.ts';
import { RunNoticeReporter } from './run-notices.ts';

export function createNotifier(
  config: TrancheConfig,
  env: Record<string, string | undefined>,
  options: { clock: Clock; log: NotifyLog },
): Notifier {
  return new Notifier(configuredChannels(config, env, options.log), options);
}

/** A run's events as notices; links without a URL are left out. */
export function runNoticeReporter(
  notifier: Notifier,
  who: string | null,
  links: readonly (NoticeLink | { rel: string; title: string; url: undefined })[],
): Reporter {
  const known = links.filter((link): link is NoticeLink => link.url !== undefined);
  return new RunNoticeReporter(notifier, { who, links: known });
}
