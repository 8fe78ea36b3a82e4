/**
 * The bot's reply to /deploy and /rollback, rendered from the ledger's record alone, so any
 * replica can edit it as the release goes on: queued, deploying (with the plan), in progress
 * (with the run and check run), then the outcome, 🚀 or 😕, with what is live afterwards.
 */
import { globalLockName } from '../../src/ledger/release-locks.ts';
import type { AdmissionBlocker, ReleaseRecord } from '../../src/ledger/types.ts';
import type { Success } from '../../src/release/live-version.ts';
import { actorText } from './actor.ts';
import { userText } from './user-text.ts';

export interface ReplyContext {
  /** `https://github.com/owner/repo`. */
  htmlUrl: string;
  /** For a queued release: why it waits and where it stands. */
  blockedBy?: AdmissionBlocker | null | undefined;
  position?: number | undefined;
  /** The environment's live deployment after a finished release (release/live-version.ts). */
  live?: Success | null | undefined;
  concurrentReleases?: number | undefined;
  prefix?: string | undefined;
  /** Where the release's version is reached (tranche.yml's environment url), linked once it succeeded. */
  environmentUrl?: string | undefined;
}

export function renderReleaseReply(release: ReleaseRecord, context: ReplyContext): string {
  const sections = [headline(release), ...body(release, context)];
  return sections.filter((s) => s !== '').join('\n\n');
}

function headline(release: ReleaseRecord): string {
  const what = subject(release);
  switch (release.state) {
    case 'queued':
      return `⏳ **Queued**: ${what}`;
    case 'starting':
    case 'pending':
      return `🚀 **${release.kind === 'rollback' ? 'Rolling back' : 'Deploying'}**: ${what}`;
    case 'in_progress':
      return `🚧 **In progress**: ${what}`;
    case 'success':
    case 'inactive':
      return `🚀 **${release.kind === 'rollback' ? 'Rolled back' : 'Deployed'}**: ${what}, live now`;
    case 'failure':
      return `😕 **Failed**: ${what}`;
    case 'error':
      return `😕 **Did not deploy**: ${what}`;
    case 'expired':
      return `😕 **Gave up**: ${what}`;
  }
}

/** `shop 12 (commit abc1234) → production, for @alice` */
function subject(release: ReleaseRecord): string {
  const version = release.version === null ? 'the next version' : `\`${release.version}\``;
  const commit = release.commit ? ` (commit \`${release.commit.slice(0, 7)}\`)` : '';
  const service = release.service ? `${release.service} ` : '';
  const by = release.requestedBy ? `, for ${actorText(release.requestedBy)}` : '';
  const verb = release.kind === 'rollback' ? 'back to ' : '';
  return `${verb}${service}${version}${commit} → **${release.environment}**${by}`;
}

function body(release: ReleaseRecord, context: ReplyContext): string[] {
  if (release.state === 'queued') return [waiting(release, context)];
  const links = linkLine(release, context);
  const plan = release.plan && !isFinished(release) ? `${release.plan}` : '';
  const outcome = outcomeLine(release, context);
  return [plan, outcome, links];
}

function isFinished(release: ReleaseRecord): boolean {
  return ['success', 'failure', 'error', 'expired', 'inactive'].includes(release.state);
}

function outcomeLine(release: ReleaseRecord, context: ReplyContext): string {
  if (release.state === 'starting' || release.state === 'pending') {
    return 'The deployment workflow picks it up and reports back here.';
  }
  if (release.state === 'in_progress') return release.description ? `> ${release.description}` : '';
  if (release.state === 'success' || release.state === 'inactive') return '';
  const why = release.description ? `> ${release.description}` : '';
  return [why, liveLine(release, context.live)].filter((s) => s !== '').join('\n\n');
}

function liveLine(release: ReleaseRecord, live: Success | null | undefined): string {
  if (live) {
    const by = live.by ? ` by ${actorText(live.by)}` : '';
    const at = ` on ${new Date(live.at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return `**${release.environment}** is on \`${live.version}\` (deployed${by}${at}).`;
  }
  if (release.liveVersion) return `**${release.environment}** is on \`${release.liveVersion}\`.`;
  return `**${release.environment}** has no live version yet.`;
}

function linkLine(release: ReleaseRecord, context: ReplyContext): string {
  const { htmlUrl, environmentUrl } = context;
  const links = [
    ...(release.state === 'success' && environmentUrl ? [`[view deployment](${environmentUrl})`] : []),
    ...(release.logUrl ? [`[workflow run](${release.logUrl})`] : []),
    ...(release.checkRunUrl ? [`[check run](${release.checkRunUrl})`] : []),
    ...(release.deploymentId !== null
      ? [`[deployments](${htmlUrl}/deployments/${encodeURIComponent(release.environment)})`]
      : []),
  ];
  return links.join(' · ');
}

function waiting(release: ReleaseRecord, context: ReplyContext): string {
  const place = context.position ? ` It is number ${context.position} in this repository's queue.` : '';
  return `Waiting: ${blockerText(release, context)}.${place} It starts by itself when that clears; \`${context.prefix ?? '/'}status\` shows the queue.`;
}

function blockerText(release: ReleaseRecord, context: ReplyContext): string {
  const blocker = context.blockedBy;
  if (!blocker) return 'its turn in the queue';
  switch (blocker.reason) {
    case 'locked': {
      const scope =
        blocker.lock.name === globalLockName(release.repo)
          ? 'every environment'
          : `**${release.environment}**`;
      const reason = blocker.lock.reason ? ` (${userText(blocker.lock.reason)})` : '';
      return `${scope} is locked by ${actorText(blocker.lock.holder)}${reason}`;
    }
    case 'busy': {
      const other = blocker.release;
      return `**${release.environment}** is busy with ${other.version ? `\`${other.version}\`` : 'a release'} for ${other.requestedBy ? actorText(other.requestedBy) : 'someone'}`;
    }
    case 'deploying': {
      const reason = blocker.lock.reason ? ` (${userText(blocker.lock.reason)})` : '';
      return `**${release.environment}** is being deployed outside the bot by ${userText(blocker.lock.holder)}${reason}`;
    }
    case 'queue':
      return `${blocker.ahead} earlier ${blocker.ahead === 1 ? 'request' : 'requests'} for **${release.environment}** go first`;
    case 'limit':
      return `${blocker.running.length} releases are running (at most ${context.concurrentReleases ?? blocker.running.length} at once): ${blocker.running.map((r) => r.environment).join(', ')}`;
  }
}
