/**
 * The answer to /status, from the ledger alone: per environment the live version, its commit,
 * who deployed it and when, its lock and what runs; then the queue in order, and the locks on
 * the whole repository.
 */
import { environmentLockName, globalLockName } from '../../src/ledger/release-locks.ts';
import { isActiveRelease } from '../../src/ledger/release-queue.ts';
import type { LockRecord, ReleaseRecord } from '../../src/ledger/types.ts';
import { actorText } from './actor.ts';

export interface StatusView {
  repo: string;
  htmlUrl: string;
  /** Only this environment; undefined for all. */
  environment?: string | undefined;
  /** The repository's releases, newest first. */
  releases: readonly ReleaseRecord[];
  /** The repository's locks held now. */
  locks: readonly LockRecord[];
  concurrentReleases: number;
}

export function renderStatusReply(view: StatusView): string {
  const environments = environmentsOf(view);
  const heading = view.environment ? `### 📋 ${view.environment}` : '### 📋 Deployments';
  if (environments.length === 0) return `${heading}\n\nNo deployments recorded yet.`;
  const rows = environments.map((env) => environmentRow(env, view));
  const table = [
    '| environment | live | commit | deployed by | when | lock | running |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const running = view.releases.filter((r) => r.origin === 'bot' && isActiveRelease(r.state));
  return [
    heading,
    table,
    globalLine(view),
    `Releases running: ${running.length} of at most ${view.concurrentReleases}.`,
    queueSection(view),
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}

function environmentsOf(view: StatusView): string[] {
  if (view.environment) return [view.environment];
  return [...new Set(view.releases.map((r) => r.environment))].sort();
}

function environmentRow(environment: string, view: StatusView): string[] {
  const mine = view.releases.filter((r) => r.environment === environment);
  const live = mine
    .filter((r) => r.state === 'success')
    .sort((a, b) => (b.deploymentId ?? 0) - (a.deploymentId ?? 0))[0];
  const running = mine.find((r) => isActiveRelease(r.state));
  const lock = view.locks.find((l) => l.name === environmentLockName(view.repo, environment));
  return [
    `**${environment}**`,
    live?.version ? `\`${live.version}\`` : '—',
    live?.commit ? `[\`${live.commit.slice(0, 7)}\`](${view.htmlUrl}/commit/${live.commit})` : '—',
    live?.requestedBy ? actorText(live.requestedBy) : '—',
    live?.succeededAt ? when(live.succeededAt) : '—',
    lock ? lockText(lock) : '—',
    running
      ? `${running.version ? `\`${running.version}\`` : 'next version'} for ${running.requestedBy ? actorText(running.requestedBy) : '?'} (${running.state.replace('_', ' ')})`
      : '—',
  ];
}

function globalLine(view: StatusView): string {
  const lock = view.locks.find((l) => l.name === globalLockName(view.repo));
  return lock ? `🔒 Every environment: ${lockText(lock)}.` : '';
}

function lockText(lock: LockRecord): string {
  const once = lock.data?.once === true ? ', for their next deploy' : '';
  const reason = lock.reason ? `: ${lock.reason}` : '';
  return `🔒 @${lock.holder}${once}${reason}`;
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
