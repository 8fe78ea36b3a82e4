/**
 * The answer to /status, from the ledger: per environment (those tranche.yml names, and any the
 * ledger has a release or a lock for) the live version, its commit, who deployed it and when, its
 * lock and what runs; then the locks on the whole repository, and the queue in order.
 */
import {
  deployLockName,
  environmentLockName,
  globalLockName,
  lockedEnvironment,
} from '../../src/ledger/release-locks.ts';
import { isActiveRelease } from '../../src/ledger/release-queue.ts';
import type { LockRecord, ReleaseRecord } from '../../src/ledger/types.ts';
import type { Success } from '../../src/release/live-version.ts';
import { actorText } from './actor.ts';
import { userText } from './user-text.ts';

export interface StatusView {
  repo: string;
  htmlUrl: string;
  /** Only this environment; undefined for all. */
  environment?: string | undefined;
  /** The environments tranche.yml on the default branch names (none when it has no valid one). */
  configured: readonly string[];
  /** The repository's releases, newest first. */
  releases: readonly ReleaseRecord[];
  /**
   * Each environment's live deployment, by the one live-version rule (release/live-version.ts):
   * the bot's releases and the CLI's and Action's runs alike. An environment left out has none.
   */
  live: Readonly<Record<string, Success>>;
  /** The repository's locks held now, and the leases of CLI and Action runs deploying `service`. */
  locks: readonly LockRecord[];
  /** The service tranche.yml names; undefined without a valid one. */
  service?: string | undefined;
  concurrentReleases: number;
}

export function renderStatusReply(view: StatusView): string {
  const environments = view.environment ? [view.environment] : statusEnvironments(view);
  const heading = view.environment ? `### 📋 ${view.environment}` : '### 📋 Deployments';
  const recorded =
    view.releases.some((r) => !view.environment || r.environment === view.environment) ||
    environments.some((env) => view.live[env] !== undefined);
  const running = view.releases.filter((r) => r.origin === 'bot' && isActiveRelease(r.state));
  return [
    heading,
    environmentTable(environments, view),
    recorded ? '' : 'No deployments recorded yet.',
    globalLine(view),
    `Releases running: ${running.length} of at most ${view.concurrentReleases}.`,
    queueSection(view),
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}

/** Every environment /status knows of: configured, released to or locked, by name. */
export function statusEnvironments(view: Omit<StatusView, 'environment' | 'live'>): string[] {
  const locked = view.locks.flatMap((l) => lockedEnvironment(view.repo, l.name) ?? []);
  return [...new Set([...view.configured, ...view.releases.map((r) => r.environment), ...locked])].sort();
}

function environmentTable(environments: readonly string[], view: StatusView): string {
  if (environments.length === 0) return '';
  return [
    '| environment | live | commit | deployed by | when | lock | running |',
    '|---|---|---|---|---|---|---|',
    ...environments.map((env) => `| ${environmentRow(env, view).join(' | ')} |`),
  ].join('\n');
}

function environmentRow(environment: string, view: StatusView): string[] {
  const mine = view.releases.filter((r) => r.environment === environment);
  const live = view.live[environment];
  // Who deployed it, when the bot's release is the live deployment (a CLI or Action run does not say).
  const release = live && mine.find((r) => r.version === live.version && r.succeededAt === live.at);
  const running = mine.find((r) => isActiveRelease(r.state));
  const lock = view.locks.find((l) => l.name === environmentLockName(view.repo, environment));
  const { service } = view;
  const run = service && view.locks.find((l) => l.name === deployLockName(service, environment));
  return [
    `**${environment}**`,
    live?.version ? `\`${live.version}\`` : '—',
    live?.commit ? `[\`${live.commit.slice(0, 7)}\`](${view.htmlUrl}/commit/${live.commit})` : '—',
    release?.requestedBy ? actorText(release.requestedBy) : '—',
    live ? when(live.at) : '—',
    lock ? lockText(lock) : '—',
    running
      ? `${running.version ? `\`${running.version}\`` : 'next version'} for ${running.requestedBy ? actorText(running.requestedBy) : '?'} (${running.state.replace('_', ' ')})`
      : run
        ? `${userText(run.holder)} outside the bot${run.reason ? ` (${userText(run.reason)})` : ''}`
        : '—',
  ];
}

function globalLine(view: StatusView): string {
  const lock = view.locks.find((l) => l.name === globalLockName(view.repo));
  return lock ? `🔒 Every environment: ${lockText(lock)}.` : '';
}

function lockText(lock: LockRecord): string {
  const once = lock.data?.once === true ? ', for their next deploy' : '';
  const reason = lock.reason ? `: ${userText(lock.reason)}` : '';
  return `🔒 ${actorText(lock.holder)}${once}${reason}`;
}

function queueSection(view: StatusView): string {
  const queued = view.releases
    .filter((r) => r.state === 'queued' && (!view.environment || r.environment === view.environment))
    .sort((a, b) => a.id - b.id);
  if (queued.length === 0) return 'Queue: empty.';
  const lines = queued.map((r, i) => {
    const version = r.version ? `\`${r.version}\`` : 'next version';
    const pr = r.pullRequest ? ` (#${r.pullRequest})` : '';
    return `${i + 1}. ${r.kind} ${version} → **${r.environment}** for ${r.requestedBy ? actorText(r.requestedBy) : '?'}${pr}, since ${when(r.requestedAt)}`;
  });
  return `Queue, first asked first:\n\n${lines.join('\n')}`;
}

function when(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
