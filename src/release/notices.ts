/**
 * Word of the fleet's decisions for the people who watch it: a version's verdict turned bad, a
 * version promoted along its tracks, a track put on hold. Where those decisions are made (the
 * bot's verdict reaction and promotion timer, /hold, the CLI's `tracks hold` and `verdict
 * mark-bad`) hands them to a ReleaseNotifier; the adapter behind it (src/notify) delivers them.
 * A notifier never throws and never waits for delivery: a notice is no step of a release.
 */

export interface ReleaseNoticeLink {
  rel: string;
  title: string;
  url: string;
}

export interface ReleaseNotice {
  kind: 'verdict_bad' | 'track_promoted' | 'track_held';
  service: string;
  /** The environments it concerns: their notification channels get it. */
  environments: string[];
  version: string | null;
  commit: string | null;
  who: string | null;
  title: string;
  detail: string | null;
  track?: string | undefined;
  at: number;
  links: ReleaseNoticeLink[];
}

export interface ReleaseNotifier {
  notify(notice: ReleaseNotice): void;
}

/** For callers configured with no notifications. */
export const NO_NOTICES: ReleaseNotifier = { notify: () => undefined };

export function verdictBadNotice(request: {
  service: string;
  version: string;
  commit: string | null;
  who: string | null;
  message: string;
  environments: string[];
  explanationUrl: string | null;
  at: number;
}): ReleaseNotice {
  return {
    kind: 'verdict_bad',
    service: request.service,
    environments: request.environments,
    version: request.version,
    commit: request.commit,
    who: request.who,
    title: `${request.service} ${request.version} is bad`,
    detail: request.message,
    at: request.at,
    links: request.explanationUrl ? [{ rel: 'explanation', title: 'Why', url: request.explanationUrl }] : [],
  };
}

export function trackPromotedNotice(request: {
  service: string;
  version: string;
  from: string;
  to: string;
  environments: string[];
  who: string;
  note: string;
  at: number;
}): ReleaseNotice {
  return {
    kind: 'track_promoted',
    service: request.service,
    environments: request.environments,
    version: request.version,
    commit: null,
    who: request.who,
    title: `${request.service} ${request.version} promoted from ${request.from} to ${request.to}`,
    detail: request.note,
    track: request.to,
    at: request.at,
    links: [],
  };
}

export function trackHeldNotice(request: {
  service: string;
  track: string;
  environments: string[];
  who: string;
  reason: string | undefined;
  at: number;
}): ReleaseNotice {
  return {
    kind: 'track_held',
    service: request.service,
    environments: request.environments,
    version: null,
    commit: null,
    who: request.who,
    title: `${request.service}: track ${request.track} is on hold`,
    detail: request.reason ?? null,
    track: request.track,
    at: request.at,
    links: [],
  };
}
