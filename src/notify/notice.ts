/**
 * One notification, whatever it goes to: what happened, to which version, by whom, and where to
 * look. The channels (slack.ts, teams.ts, webhook.ts) only render it.
 */
import type { ReleaseNotice, ReleaseNoticeLink } from '../release/notices.ts';
import type { NoticeKind } from './kinds.ts';

export type NoticeLink = ReleaseNoticeLink;

/** A release notice (release/notices.ts) or a run's: the same shape, any kind. */
export interface Notice extends Omit<ReleaseNotice, 'kind'> {
  kind: NoticeKind;
  runId?: string | undefined;
}

/** The emoji a chat message starts with, by kind. */
export const NOTICE_ICONS: Record<NoticeKind, string> = {
  run_started: '🚀',
  batch_failed: '⚠️',
  rolled_back: '↩️',
  stopped: '⏹️',
  succeeded: '✅',
  verdict_bad: '🛑',
  track_promoted: '⏫',
  track_held: '⏸️',
};

/** The facts every message lists, in order, leaving out the unknown ones. */
export function noticeFacts(notice: Notice): { name: string; value: string }[] {
  const facts: [string, string | null | undefined][] = [
    ['Service', notice.service],
    ['Environment', notice.environments.join(', ') || null],
    ['Version', notice.version],
    ['Commit', notice.commit?.slice(0, 12)],
    ['Track', notice.track],
    ['By', notice.who],
  ];
  return facts.flatMap(([name, value]) => (value ? [{ name, value }] : []));
}
