/** The statements of the dashboard_actions table (dashboard-actions.ts). */
/** The table, given the backend's auto-incrementing primary key (SqlDialect.identityPrimaryKey). */
export function dashboardActionsTable(identityPrimaryKey: string): string {
  return `CREATE TABLE dashboard_actions (
  id ${identityPrimaryKey},
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  version TEXT,
  commit_sha TEXT,
  host TEXT NOT NULL,
  state TEXT NOT NULL,
  message TEXT,
  requested_at BIGINT NOT NULL,
  finished_at BIGINT
)`;
}

const DASHBOARD_ACTION_COLUMNS =
  'id, actor, action, service, environment, version, commit_sha, host, state, message, requested_at, finished_at' as const;

export const INSERT_DASHBOARD_ACTION = `INSERT INTO dashboard_actions
  (actor, action, service, environment, version, commit_sha, host, state, message, requested_at, finished_at)
VALUES ($actor, $action, $service, $environment, $version, $commit_sha, $host, $state, $message, $requested_at, $finished_at)
RETURNING ${DASHBOARD_ACTION_COLUMNS}` as const;

export const FINISH_DASHBOARD_ACTION =
  `UPDATE dashboard_actions SET state = $state, message = $message, finished_at = $finished_at
WHERE id = $id AND state = 'started'
RETURNING ${DASHBOARD_ACTION_COLUMNS}` as const;

export const SELECT_DASHBOARD_ACTIONS =
  `SELECT ${DASHBOARD_ACTION_COLUMNS} FROM dashboard_actions ORDER BY id DESC` as const;
