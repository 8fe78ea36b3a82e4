/**
 * The watch_transitions table (migration 9 in sql.ts): each change of a cell of `tranche watch`'s
 * targets × checks matrix. Storage only: what makes a cell red or green is src/watch's business.
 */
import { CHECK_STATUSES } from '../engine/vocabulary.ts';
import type { Row, SqlConnection } from './connection.ts';
import { nullableNumber } from './rows.ts';
import type { SqlParam } from './sql.ts';
import {
  WATCH_STATES,
  type WatchTransition,
  type WatchTransitionFilter,
  type WatchTransitionRecord,
} from './watch-types.ts';

const COLUMNS = 'service, environment, component, target, check_name, at, state, status, reason, value';

/** Params: the COLUMNS of one transition. */
const INSERT_WATCH_TRANSITION = `INSERT INTO watch_transitions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Params: service, environment, afterId, limit. */
const SELECT_WATCH_TRANSITIONS = `SELECT id, ${COLUMNS} FROM watch_transitions
WHERE service = ? AND environment = ? AND id > ?
ORDER BY id
LIMIT ?`;

/** Params: service, environment. The newest transition of each cell. */
const SELECT_WATCH_CELLS = `SELECT id, ${COLUMNS} FROM watch_transitions
WHERE id IN (
  SELECT MAX(id) FROM watch_transitions WHERE service = ? AND environment = ?
  GROUP BY component, target, check_name
)
ORDER BY component, target, check_name`;

/** Without a limit, this many transitions at most. */
const DEFAULT_LIMIT = 10_000;

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
  const rows = await connection.query(SELECT_WATCH_TRANSITIONS, [
    filter.service,
    filter.environment,
    filter.afterId ?? 0,
    filter.limit ?? DEFAULT_LIMIT,
  ]);
  return rows.map(toTransition);
}

export async function selectWatchCells(
  connection: SqlConnection,
  service: string,
  environment: string,
): Promise<WatchTransitionRecord[]> {
  return (await connection.query(SELECT_WATCH_CELLS, [service, environment])).map(toTransition);
}

function params(t: WatchTransition): SqlParam[] {
  return [
    t.service,
    t.environment,
    t.component,
    t.target,
    t.check,
    t.at,
    t.state,
    t.status,
    t.reason,
    t.value,
  ];
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
