/** Statements of the bot's busiest path: recording a `deployment_status`. */
import { RELEASE_COLUMNS } from './sql.ts';

/**
 * Params: repo, installation_id, environment, service, kind, state, version, commit_sha,
 * requested_by, deployment_id, log_url, check_run_url, description, requested_at, started_at,
 * updated_at, targets, track. A deployment the bot did not create, recorded at its first status
 * in one statement (not inserted, then updated to that status).
 */
export const INSERT_SEEN_RELEASE = `INSERT INTO bot_releases (repo, installation_id, environment, service, origin, kind,
  state, version, commit_sha, requested_by, deployment_id, log_url, check_run_url, description, requested_at,
  started_at, updated_at, targets, track)
VALUES (?, ?, ?, ?, 'seen', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING ${RELEASE_COLUMNS}`;
