/** /status and /help: answers from the ledger and the command registry, in one reply. */
import { planPromotions } from '../../src/engine/tracks.ts';
import { deployLockName, isRepositoryLock } from '../../src/ledger/release-locks.ts';
import type { LedgerReads } from '../../src/ledger/types.ts';
import { ledgerHistory } from '../../src/release/deployment-records.ts';
import { type DeploymentHistory, liveOf, type Success } from '../../src/release/live-version.ts';
import { trackHolds } from '../../src/release/track-state.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { renderHelp, sentence } from '../render/help-reply.ts';
import { renderStatusReply, type StatusView, statusEnvironments } from '../render/status-reply.ts';
import { renderTracksSection } from '../render/tracks-reply.ts';
import { botPromotionInput } from '../tracks/track-health.ts';
import { answer, type CommentTarget, refuse } from './answer.ts';
import { configFor } from './environment-check.ts';
import { tracksFor } from './tracks-check.ts';

/** Releases /status reads: the newest, enough for every environment's live one and the queue. */
const STATUS_RELEASES = 500;

export async function status(
  scope: HandlerScope,
  command: CommandOf<'status'>,
  target: CommentTarget,
): Promise<void> {
  // Every read in one snapshot of the ledger; the replies to GitHub after it.
  const read = await scope.deps.ledger.read((reads) => statusReads(scope, reads, command.environment));
  if (!read.ok) return refuse(scope, target, `/status ${command.environment}`, read.problem);
  const body = renderStatusReply(read.status);
  await answer(scope, target, read.tracks ? `${body}\n\n${read.tracks}` : body);
}

type StatusReads = { ok: true; status: StatusView; tracks: string | null } | { ok: false; problem: string };

/** What /status shows, from one read snapshot of the ledger; a problem for an environment no one knows. */
async function statusReads(
  scope: HandlerScope,
  reads: LedgerReads,
  environment: string | undefined,
): Promise<StatusReads> {
  const { now } = scope.deps;
  const releases = await reads.releases({ repo: scope.fullName, limit: STATUS_RELEASES });
  const loaded = loadedConfig(scope);
  const service = loaded?.config.service;
  // The repository's locks, and the leases of CLI and Action runs deploying its service.
  const runs = service === undefined ? null : deployLockName(service, '');
  const locks = (await reads.locks(now())).filter(
    (l) => isRepositoryLock(scope.fullName, l.name) || (runs !== null && l.name.startsWith(runs)),
  );
  const known = {
    repo: scope.fullName,
    htmlUrl: scope.htmlUrl,
    configured: loaded ? Object.keys(loaded.config.environments) : [],
    releases,
    locks,
    service,
    concurrentReleases: scope.settings.concurrentReleases,
  };
  if (environment !== undefined && !statusEnvironments(known).includes(environment)) {
    // Neither tranche.yml nor the ledger knows it: configFor says which names there are.
    const checked = configFor(scope, environment);
    if (!checked.ok) return checked;
  }
  const history = ledgerHistory(reads, [scope.fullName]);
  const live = await liveDeployments(
    history,
    service,
    environment ? [environment] : statusEnvironments(known),
  );
  return { ok: true, status: { ...known, live, environment }, tracks: await tracksSection(scope, reads) };
}

/** Each environment's live deployment by the one live-version rule; none without a service to ask for. */
async function liveDeployments(
  history: DeploymentHistory,
  service: string | undefined,
  environments: readonly string[],
): Promise<Record<string, Success>> {
  if (service === undefined) return {};
  const live: Record<string, Success> = {};
  for (const environment of environments) {
    const deployment = liveOf(await history.successes(service, environment));
    if (deployment) live[environment] = deployment;
  }
  return live;
}

/** Which version is on which release track, and when the next promotion is due; null without tracks. */
async function tracksSection(scope: HandlerScope, reads: LedgerReads): Promise<string | null> {
  const configured = tracksFor(scope);
  if (!configured.ok) {
    const loaded = loadedConfig(scope);
    return loaded?.config.tracks ? `### 🛤️ Release tracks\n\n${sentence(configured.problem)}` : null;
  }
  const { service, tracks } = configured.tracks;
  const at = scope.deps.now();
  return renderTracksSection({
    tracks,
    plan: planPromotions(await botPromotionInput(reads, scope.fullName, service, tracks, at)),
    holds: await trackHolds(reads, service, at),
    promotions: await reads.promotions({ service }),
    now: at,
  });
}

export async function help(
  scope: HandlerScope,
  command: CommandOf<'help'>,
  target: CommentTarget,
): Promise<void> {
  await answer(scope, target, renderHelp(scope.settings.prefix, command.topic));
}
