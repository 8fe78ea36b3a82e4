/** The bot's releases: the queue, and the record of every deployment (sql.ts has the schema). */
import { leaseHolderSql, leaseLockNameSql } from './release-locks.ts';
import { Conditions, type SqlQuery } from './statement.ts';
import type { ReleaseFilter } from './types.ts';

export const RELEASE_COLUMNS = `id, repo, installation_id, environment, service, origin, kind, state, version, commit_sha,
  requested_by, pull_request, comment_id, deployment_id, log_url, check_run_url, description, plan,
  live_version, requested_at, started_at, finished_at, succeeded_at, updated_at, targets, track`;

/** The states of a started, unfinished release (ACTIVE_RELEASE_STATES). */
const ACTIVE = "('starting', 'pending', 'in_progress')";
/** Releases the bot admitted: only these hold leases and slots; deployments it saw are records. */
const ADMITTED = "origin = 'bot'";

export const INSERT_RELEASE =
  `INSERT INTO bot_releases (repo, installation_id, environment, service, origin, kind,
  state, version, commit_sha, requested_by, pull_request, deployment_id, requested_at, started_at, updated_at,
  targets, track)
VALUES ($repo, $installation_id, $environment, $service, $origin, $kind,
  $state, $version, $commit_sha, $requested_by, $pull_request, $deployment_id, $requested_at, $started_at, $updated_at,
  $targets, $track)
RETURNING ${RELEASE_COLUMNS}` as const;

export const SELECT_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases WHERE id = $id` as const;

/** The repository's started, unfinished releases, oldest first. */
export const SELECT_ACTIVE_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = $repo AND state IN ${ACTIVE} AND ${ADMITTED} ORDER BY id` as const;

/** The repository's queue, first asked first (only releases the bot admitted are ever queued). */
export const SELECT_QUEUED_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = $repo AND state = 'queued' AND ${ADMITTED} ORDER BY id` as const;

/**
 * The repositories with a queue: read from the index of the bot's own releases, never from every
 * deployment recorded (the timer asks once a minute, and the table grows with each deployment).
 */
export const SELECT_REPOS_WITH_QUEUED_RELEASES = `SELECT DISTINCT repo FROM bot_releases
WHERE state = 'queued' AND ${ADMITTED} ORDER BY repo` as const;

/** The repositories with started, unfinished releases. */
export const SELECT_REPOS_WITH_ACTIVE_RELEASES = `SELECT DISTINCT repo FROM bot_releases
WHERE state IN ${ACTIVE} AND ${ADMITTED} ORDER BY repo` as const;

/** A queued release starts. */
export const START_RELEASE = `UPDATE bot_releases SET state = 'starting', started_at = $now, updated_at = $now
WHERE id = $id AND state = 'queued'
RETURNING ${RELEASE_COLUMNS}` as const;

/** A started release's lease is not held at $now: the lease as release-locks.ts names and holds it. */
const LEASE_LAPSED = `NOT EXISTS (SELECT 1 FROM locks
  WHERE locks.name = ${leaseLockNameSql('bot_releases.repo', 'bot_releases.environment')}
    AND locks.holder = ${leaseHolderSql('bot_releases.id')}
    AND locks.expires_at > $now)` as const;

const EXPIRED_DESCRIPTION =
  "'no deployment status arrived before its lease ran out (is the deployment workflow set up)'";

/** The repository's started releases whose lease ran out by $now. */
/** An expired release owes GitHub its report from now on (report_due_at; see RELEASE_REPORTS_DUE). */
export const EXPIRE_RELEASES = `UPDATE bot_releases
SET state = 'expired', finished_at = $now, updated_at = $now, description = ${EXPIRED_DESCRIPTION},
  report_due_at = $now, report_tries = 0
WHERE repo = $repo AND state IN ${ACTIVE} AND ${ADMITTED} AND ${LEASE_LAPSED}
RETURNING ${RELEASE_COLUMNS}` as const;

/**
 * The release a deployment's status belongs to: the one with its deployment id, else the newest
 * started release of its version whose deployment id is not recorded yet (a status can arrive
 * before the create's answer is written down). One statement: the second half runs only when the
 * first finds nothing, and finds nothing without a version.
 */
export const SELECT_STATUS_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = $repo AND deployment_id = $deployment_id
UNION ALL
SELECT * FROM (SELECT ${RELEASE_COLUMNS} FROM bot_releases
  WHERE repo = $repo AND environment = $environment AND version = $version AND deployment_id IS NULL
    AND state IN ${ACTIVE} AND ${ADMITTED}
  ORDER BY id DESC LIMIT 1) AS unlinked
LIMIT 1` as const;

/** A status that does not finish the release; links are kept once known. */
export const SET_RELEASE_STATUS = `UPDATE bot_releases SET state = $state,
  deployment_id = COALESCE(deployment_id, $deployment_id), log_url = COALESCE($log_url, log_url),
  check_run_url = COALESCE($check_run_url, check_run_url), description = $description, updated_at = $updated_at
WHERE id = $id
RETURNING ${RELEASE_COLUMNS}` as const;

/** A terminal status; succeeded_at is kept when null is given. */
export const FINISH_RELEASE = `UPDATE bot_releases SET state = $state,
  deployment_id = COALESCE(deployment_id, $deployment_id), log_url = COALESCE($log_url, log_url),
  check_run_url = COALESCE($check_run_url, check_run_url), description = $description,
  finished_at = $finished_at, succeeded_at = COALESCE($succeeded_at, succeeded_at), updated_at = $updated_at
WHERE id = $id
RETURNING ${RELEASE_COLUMNS}` as const;

export const SET_RELEASE_LIVE_VERSION = `UPDATE bot_releases SET live_version = $live_version WHERE id = $id
RETURNING ${RELEASE_COLUMNS}` as const;

/** Earlier successful deployments (below $deployment_id) become inactive. */
export const SUPERSEDE_RELEASES = `UPDATE bot_releases SET state = 'inactive', updated_at = $updated_at
WHERE repo = $repo AND environment = $environment AND state = 'success' AND deployment_id < $deployment_id
RETURNING ${RELEASE_COLUMNS}` as const;

/**
 * A release to some targets (a ring) supersedes only earlier ones to the same targets: the rest
 * of the environment still runs what an earlier deployment put there.
 */
export const SUPERSEDE_RING_RELEASES = `UPDATE bot_releases SET state = 'inactive', updated_at = $updated_at
WHERE repo = $repo AND environment = $environment AND state = 'success' AND deployment_id < $deployment_id
  AND targets = $targets
RETURNING ${RELEASE_COLUMNS}` as const;

/**
 * What SUPERSEDE_RELEASES (SUPERSEDE_RING_RELEASES) wrote when the success of $deployment_id
 * finished at $finished_at, and nothing has written since (an `inactive` status GitHub reported
 * for one moves its updated_at on).
 */
const SUPERSEDED_BY = `repo = $repo AND environment = $environment AND state = 'inactive'
  AND succeeded_at IS NOT NULL AND deployment_id < $deployment_id AND updated_at = $finished_at`;

export const SELECT_SUPERSEDED_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE ${SUPERSEDED_BY} ORDER BY id` as const;

export const SELECT_SUPERSEDED_RING_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE ${SUPERSEDED_BY} AND targets = $targets ORDER BY id` as const;

/** A null keeps the column as it is. */
export const PATCH_RELEASE = `UPDATE bot_releases SET version = COALESCE($version, version),
  commit_sha = COALESCE($commit_sha, commit_sha), comment_id = COALESCE($comment_id, comment_id),
  deployment_id = COALESCE($deployment_id, deployment_id), plan = COALESCE($plan, plan),
  check_run_url = COALESCE($check_run_url, check_run_url), updated_at = $updated_at
WHERE id = $id
RETURNING ${RELEASE_COLUMNS}` as const;

/** The repository's releases matching the filter: newest first (with succeeded, newest deployment first). */
export function selectReleases(filter: ReleaseFilter): SqlQuery {
  const where = new Conditions();
  where.equal('repo', filter.repo);
  where.equal('environment', filter.environment);
  where.oneOf('state', filter.states);
  if (filter.succeeded !== undefined) where.add(`succeeded_at IS ${filter.succeeded ? 'NOT ' : ''}NULL`);
  const order = filter.succeeded ? 'deployment_id DESC, id DESC' : 'id DESC';
  const sql = `SELECT ${RELEASE_COLUMNS} FROM bot_releases${where.clause()} ORDER BY ${order}`;
  return { sql: sql + where.limit(filter.limit, 'releases'), params: where.params };
}

/**
 * Releases whose end GitHub has not been told of, due by $now: an expired release's error status
 * and reply, owed from its expiry until whoever claims the report has made it.
 */
export const RELEASE_REPORTS_DUE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE report_due_at <= $now
ORDER BY id` as const;

/**
 * Takes a due report until $until, counting the try; no row when another took it first. $until
 * is the claim's token: only its holder moves the report on.
 */
export const CLAIM_RELEASE_REPORT =
  `UPDATE bot_releases SET report_due_at = $until, report_tries = report_tries + 1
WHERE id = $id AND report_due_at <= $now
RETURNING report_tries` as const;

/** By the claim's holder only: NULL once made or given up, else when to try again. */
export const SET_RELEASE_REPORT_DUE = `UPDATE bot_releases SET report_due_at = $due
WHERE id = $id AND report_due_at = $token` as const;
