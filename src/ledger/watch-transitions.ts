/**
 * The watch_transitions table (migration 9; statements in watch-sql.ts). Storage only: what makes a
 * cell red or green is src/watch's business.
 */
import { CHECK_STATUSES } from '../engine/vocabulary.ts';
import type { Row, SqlConnection } from './connection.ts';
import { nullableNumber } from './rows.ts';
import { limited } from './statement.ts';
import {
  DEFAULT_WATCH_LIMIT,
  INSERT_WATCH_TRANSITION,
  SELECT_WATCH_CELLS,
  SELECT_WATCH_CURSOR,
  SELECT_WATCH_TRANSITIONS,
} from './watch-sql.ts';
import {
  WATCH_STATES,
  type WatchTransition,
  type WatchTransitionFilter,
  type WatchTransitionRecord,
} from './watch-types.ts';

export async function insertWatchTransitions(
  connection: SqlConnection,
  transitions: readonly WatchTransition[],
): Promise<void> {
  if (transitions.length === 0) return;
  await connection.transaction(async (session) => {
    for (const t of transitions) await session.query(INSERT_WATCH_TRANSITION, params(t));
  });
}

export async function selectWatchTransitions(
  connection: SqlConnection,
  filter: WatchTransitionFilter,
): Promise<WatchTransitionRecord[]> {
  const rows = await connection.query(
    limited(SELECT_WATCH_TRANSITIONS, filter.limit ?? DEFAULT_WATCH_LIMIT, 'watch transitions'),
    {
      service: filter.service,
      environment: filter.environment,
      after_id: filter.afterId ?? 0,
    },
  );
  return rows.map(toTransition);
}

export async function selectWatchCells(
  connection: SqlConnection,
  service: string,
  environment: string,
): Promise<WatchTransitionRecord[]> {
  return (await connection.query(SELECT_WATCH_CELLS, { service, environment })).map(toTransition);
}

export async function selectWatchCursor(connection: SqlConnection): Promise<number> {
  const [row] = await connection.query(SELECT_WATCH_CURSOR);
  return Number(row?.id ?? 0);
}

function params(t: WatchTransition) {
  return {
    service: t.service,
    environment: t.environment,
    component: t.component,
    target: t.target,
    check_name: t.check,
    at: t.at,
    state: t.state,
    status: t.status,
    reason: t.reason,
    value: t.value,
  };
}

function toTransition(row: Row): WatchTransitionRecord {
  return {
    id: Number(row.id),
    service: String(row.service),
    environment: String(row.environment),
    component: String(row.component),
    target: String(row.target),
    check: String(row.check_name),
    at: Number(row.at),
    state: oneOf(WATCH_STATES, row.state, 'red'),
    status: oneOf(CHECK_STATUSES, row.status, 'error'),
    reason: String(row.reason),
    value: nullableNumber(row.value),
  };
}

/** A stored word read back as one of `words`; `otherwise` for one this code does not know. */
function oneOf<W extends string>(words: readonly W[], value: unknown, otherwise: W): W {
  return words.find((w) => w === value) ?? otherwise;
}
