/**
 * Carrying out one promotion: a release of the version to every member of the track it is
 * promoted to (an environment, or the ring of its targets the track names: the release, and its
 * deployment's payload, carry those targets and the track), through the release queue (so locks, the queue and the concurrency limit apply),
 * after the deploy gate has let the version into each of them. Each release is admitted under a
 * delivery id of its own (the promotion's, and the environment), so a promotion carried out twice
 * (a claim taken over after its holder died, a redelivered /promote) starts each release once.
 */
import type { TrackMember } from '../../src/engine/tracks.ts';
import type { ReleaseRecord } from '../../src/ledger/types.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { admit } from '../releases/admit.ts';
import { releaseRefusal } from '../releases/release-gate.ts';
import { deployingThread, versionCommit } from '../releases/version-records.ts';

export interface PromotionOrder {
  service: string;
  version: string;
  from: string;
  to: string;
  /** The members of the track promoted to: environments, or rings of their targets. */
  members: TrackMember[];
  /** A person's login (/promote), or the bot's actor (BOT_ACTORS.promotion). */
  requestedBy: string;
  /** Where the releases reply: the /promote's thread; default the pull request that deployed the version. */
  thread?: number | undefined;
  /** Prefix of each release's delivery id. */
  deliveryId: string;
}

export type PromotionOutcome =
  | { ok: true; releases: ReleaseRecord[]; note: string }
  | { ok: false; note: string };

export async function carryOut(scope: HandlerScope, order: PromotionOrder): Promise<PromotionOutcome> {
  const what = `the promotion of ${order.version} to ${order.to}`;
  const commit = await versionCommit(scope, order.service, order.version);
  if (commit === undefined) {
    return { ok: false, note: `the commit of ${order.service} ${order.version} is not known` };
  }
  const refusals: string[] = [];
  for (const { environment } of order.members) {
    const refusal = await releaseRefusal(scope, {
      service: order.service,
      environment,
      version: order.version,
      kind: 'deploy',
    });
    if (refusal) refusals.push(refusal);
  }
  if (refusals.length > 0) return { ok: false, note: refusals.join('; ') };
  const thread = order.thread ?? (await deployingThread(scope, order.version));
  const releases: ReleaseRecord[] = [];
  for (const { environment, targets } of order.members) {
    const release = await admit(
      scope,
      {
        delivery: {
          id: `${order.deliveryId}:${environment}`,
          repo: scope.fullName,
          event: 'promotion',
          at: scope.deps.now(),
        },
        repo: scope.fullName,
        installationId: scope.installationId,
        environment,
        service: order.service,
        kind: 'deploy',
        version: order.version,
        commit,
        requestedBy: order.requestedBy,
        pullRequest: thread,
        targets: targets ?? null,
        track: order.to,
      },
      `${what} (${environment})`,
    );
    if (release) releases.push(release);
  }
  const started = releases.map((r) => `release ${r.id} → ${r.environment}`).join(', ');
  return { ok: true, releases, note: started === '' ? 'its releases were started before' : started };
}
