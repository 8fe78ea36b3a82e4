/** Statements of the bot's busiest path: recording a `deployment_status`. */
import { RELEASE_COLUMNS } from './releases-sql.ts';

/**
 * A deployment the bot did not create, recorded at its first status in one statement (not
 * inserted, then updated to that status).
 */
export const INSERT_SEEN_RELEASE =
  `INSERT INTO bot_releases (repo, installation_id, environment, service, origin, kind,
  state, version, commit_sha, requested_by, deployment_id, log_url, check_run_url, description, requested_at,
  started_at, updated_at, targets, track)
VALUES ($repo, $installation_id, $environment, $service, 'seen', $kind,
  $state, $version, $commit_sha, $requested_by, $deployment_id, $log_url, $check_run_url, $description, $now,
  $now, $now, $targets, $track)
RETURNING ${RELEASE_COLUMNS}` as const;
