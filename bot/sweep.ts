/**
 * The bot process's timer, once a minute: releases whose workflow never reported lose their lease
 * even when no webhook arrives for their repository (each is reported, an error status and a 😕
 * reply, again at each sweep until GitHub has taken the report, and its repository's queue moves
 * on); queued releases whose environment came free without a webhook (a CLI or Action run's lease
 * released or run out) are started; versions with outcomes the bot has not judged (`tranche
 * report` writes to the ledger directly) are judged and a bad verdict acted on
 * (verdicts/judge-unjudged.ts); and promotions whose time has come are carried out
 * (tracks/advance-tracks.ts: claimed with a lease, so with several replicas one carries each out).
 * Each repository is acted on through its installation's own client.
 */
import type { Probot } from 'probot';
import type { PromotionRecord } from '../src/ledger/fleet-types.ts';
import type { ReleaseRecord, ReportClaim } from '../src/ledger/types.ts';
import { type BotDeps, limitsOf } from './bot-scope.ts';
import { installationScope, repositoryInstallation } from './installation-scope.ts';
import { followAdvance, REPORT_LEASE_MS, reportRetryAfter } from './releases/start-release.ts';
import { advanceTracks } from './tracks/advance-tracks.ts';
import { judgeUnjudged, type UnjudgedWork, unjudgedWork } from './verdicts/judge-unjudged.ts';

interface RepoWork {
  installationId: number | null;
  expired: ReleaseRecord[];
  /** The reports of `expired` this sweep claimed, by release id. */
  reports: Map<number, ReportClaim>;
  /** A queued release's environment is free: the queue may move. */
  free: boolean;
  unjudged: UnjudgedWork[];
  promotions: boolean;
}

export async function sweep(app: Probot, deps: BotDeps): Promise<void> {
  const now = deps.now();
  const work = new Map<string, RepoWork>();
  const of = (repo: string): RepoWork => {
    const found: RepoWork = work.get(repo) ?? {
      installationId: null,
      expired: [],
      reports: new Map(),
      free: false,
      unjudged: [],
      promotions: false,
    };
    work.set(repo, found);
    return found;
  };
  // What expires now, and what expired before but GitHub has not had the report of (it failed).
  // Each report is claimed here, a try counted even when its repository cannot be reached (an
  // app uninstalled, no installation known): such a report is given up after its last try.
  await deps.ledger.expireReleases(now);
  for (const release of await deps.ledger.releaseReportsDue(now)) {
    const claim = await deps.ledger.claimReleaseReport(release.id, REPORT_LEASE_MS, now);
    if (!claim) continue;
    // A try past the last: the one before never ended (its repository unreachable, its process gone).
    if (claim.tries > 1 && reportRetryAfter(claim.tries - 1) === undefined) {
      await deps.ledger.releaseReportFailed(release.id, claim, null);
      app.log.error(
        `release ${release.id} in ${release.repo}: its expiry was never reported to GitHub; given up`,
      );
      continue;
    }
    const repo = of(release.repo);
    repo.expired.push(release);
    repo.reports.set(release.id, claim);
    repo.installationId ??= release.installationId;
  }
  for (const release of await deps.ledger.releasesFreeToStart(now)) {
    const repo = of(release.repo);
    repo.free = true;
    repo.installationId ??= release.installationId;
  }
  const installationOf = (repo: string) => repositoryInstallation(app, deps, repo);
  for (const unjudged of await unjudgedWork(deps.ledger, app.log, installationOf)) {
    const repo = of(unjudged.repo);
    repo.unjudged.push(unjudged);
    repo.installationId ??= unjudged.installationId;
  }
  for (const promotion of await deps.ledger.promotions({ states: ['scheduled', 'claimed'], dueBy: now })) {
    if (promotion.repo === null || !claimable(promotion, now)) continue;
    const repo = of(promotion.repo);
    repo.promotions = true;
    repo.installationId ??= promotion.installationId;
  }
  for (const [repo, todo] of work) {
    try {
      await sweepRepository(app, deps, repo, todo);
    } catch (error) {
      app.log.warn(`could not sweep ${repo}: ${(error as Error).message}`);
    }
  }
}

/** Scheduled, or claimed by a holder whose lease ran out. */
function claimable(promotion: PromotionRecord, now: number): boolean {
  return promotion.state === 'scheduled' || (promotion.claimedUntil ?? 0) <= now;
}

async function sweepRepository(app: Probot, deps: BotDeps, repo: string, todo: RepoWork) {
  if (todo.installationId === null) {
    app.log.warn(`${repo} has work for the timer, but no installation is known to act on it`);
    return;
  }
  const scope = await installationScope(app, deps, repo, todo.installationId, 'sweep');
  if (todo.expired.length > 0 || todo.free) {
    const advance = await deps.ledger.advanceQueue(repo, limitsOf(scope.settings), deps.now());
    await followAdvance(
      scope,
      { expired: [...todo.expired, ...advance.expired], started: advance.started },
      todo.reports,
    );
  }
  for (const unjudged of todo.unjudged) await judgeUnjudged(scope, unjudged);
  // After the verdicts: a bad one cancels the version's scheduled promotions.
  if (todo.promotions || todo.unjudged.length > 0) await advanceTracks(scope);
}
