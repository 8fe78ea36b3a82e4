/** Storage of the dashboard's actions (dashboard-action-types.ts). */
import type { Row, SqlConnection } from './connection.ts';
import type {
  DashboardActionInput,
  DashboardActionKind,
  DashboardActionRecord,
  DashboardActionState,
} from './dashboard-action-types.ts';
import {
  FINISH_DASHBOARD_ACTION,
  INSERT_DASHBOARD_ACTION,
  SELECT_DASHBOARD_ACTIONS,
} from './dashboard-sql.ts';
import { limited } from './statement.ts';

export async function insertDashboardAction(
  connection: SqlConnection,
  input: DashboardActionInput,
  now: number,
): Promise<DashboardActionRecord> {
  const finished = input.state === 'started' ? null : now;
  const [row] = await connection.query(INSERT_DASHBOARD_ACTION, {
    actor: input.actor,
    action: input.action,
    service: input.service,
    environment: input.environment,
    version: input.version,
    commit_sha: input.commit,
    host: input.host,
    state: input.state,
    message: input.message,
    requested_at: now,
    finished_at: finished,
  });
  if (!row) throw new Error('recording a dashboard action returned no row');
  return toAction(row);
}

export async function finishDashboardAction(
  connection: SqlConnection,
  id: number,
  state: 'succeeded' | 'failed',
  message: string,
  now: number,
): Promise<DashboardActionRecord | null> {
  const [row] = await connection.query(FINISH_DASHBOARD_ACTION, { state, message, finished_at: now, id });
  return row ? toAction(row) : null;
}

export async function selectDashboardActions(
  connection: SqlConnection,
  limit: number,
): Promise<DashboardActionRecord[]> {
  return (await connection.query(limited(SELECT_DASHBOARD_ACTIONS, limit, 'dashboard actions'))).map(
    toAction,
  );
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function toAction(row: Row): DashboardActionRecord {
  return {
    id: Number(row.id),
    actor: String(row.actor),
    action: String(row.action) as DashboardActionKind,
    service: String(row.service),
    environment: String(row.environment),
    version: text(row.version),
    commit: text(row.commit_sha),
    host: String(row.host),
    state: String(row.state) as DashboardActionState,
    message: text(row.message),
    requestedAt: Number(row.requested_at),
    finishedAt: row.finished_at === null || row.finished_at === undefined ? null : Number(row.finished_at),
  };
}
