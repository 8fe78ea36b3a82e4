/** /status and /help: answers from the ledger and the command registry, in one reply. */
import { planPromotions } from '../../src/engine/tracks.ts';
import { deployLockName, isRepositoryLock } from '../../src/ledger/release-locks.ts';
import { liveOf, type Success } from '../../src/release/live-version.ts';
import { trackHolds } from '../../src/release/track-state.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { renderHelp, sentence } from '../render/help-reply.ts';
import { renderStatusReply, statusEnvironments } from '../render/status-reply.ts';
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
  const { ledger, now } = scope.deps;
  const releases = await ledger.releases({ repo: scope.fullName, limit: STATUS_RELEASES });
  const loaded = loadedConfig(scope);
  const service = loaded?.config.service;
  // The repository's locks, and the leases of CLI and Action runs deploying its service.
  const runs = service === undefined ? null : deployLockName(service, '');
  const locks = (await ledger.locks(now())).filter(
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
  const { environment } = command;
  if (environment !== undefined && !statusEnvironments(known).includes(environment)) {
    // Neither tranche.yml nor the ledger knows it: configFor says which names there are.
    const checked = configFor(scope, environment);
    if (!checked.ok) return refuse(scope, target, `/status ${environment}`, checked.problem);
  }
  const live = await liveDeployments(scope, service, environment ? [environment] : statusEnvironments(known));
  const body = renderStatusReply({ ...known, live, environment });
  const tracks = await tracksSection(scope);
  await answer(scope, target, tracks ? `${body}\n\n${tracks}` : body);
}

/** Each environment's live deployment by the one live-version rule; none without a service to ask for. */
async function liveDeployments(
  scope: HandlerScope,
  service: string | undefined,
  environments: readonly string[],
): Promise<Record<string, Success>> {
  if (service === undefined) return {};
  const history = deploymentHistory(scope);
  const live: Record<string, Success> = {};
  for (const environment of environments) {
    const deployment = liveOf(await history.successes(service, environment));
    if (deployment) live[environment] = deployment;
  }
  return live;
}

/** Which version is on which release track, and when the next promotion is due; null without tracks. */
async function tracksSection(scope: HandlerScope): Promise<string | null> {
  const configured = tracksFor(scope);
  if (!configured.ok) {
    const loaded = loadedConfig(scope);
    return loaded?.config.tracks ? `### 🛤️ Release tracks\n\n${sentence(configured.problem)}` : null;
  }
  const { service, tracks } = configured.tracks;
  const { ledger, now } = scope.deps;
  const at = now();
  return renderTracksSection({
    tracks,
    plan: planPromotions(await botPromotionInput(ledger, scope.fullName, service, tracks, at)),
    holds: await trackHolds(ledger, service, at),
    promotions: await ledger.promotions({ service }),
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
