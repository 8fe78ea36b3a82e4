/**
 * The watch_transitions table (migration 9; statements in watch-sql.ts). Storage only: what makes a
 * cell red or green is src/watch's business.
 */
import { CHECK_STATUSES } from '../engine/vocabulary.ts';
import type { Row, SqlConnection, SqlSession } from './connection.ts';
import { nullableNumber } from './rows.ts';
import { limited } from './statement.ts';
import {
  COUNT_PRUNABLE_WATCH_TRANSITIONS,
  DEFAULT_WATCH_LIMIT,
  EXPORT_WATCH_TRANSITIONS,
  INSERT_WATCH_TRANSITION,
  PRUNE_WATCH_TRANSITIONS,
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

/** Transitions per query when exporting. */
const EXPORT_PAGE = 1000;

/** The transitions recorded at or after `since`, in the order they were recorded, without their ids. */
export async function* exportWatchTransitions(
  connection: SqlConnection,
  since: number,
): AsyncIterable<WatchTransition> {
  for (let after = 0; ; ) {
    const page = await connection.query(limited(EXPORT_WATCH_TRANSITIONS, EXPORT_PAGE, 'watch transitions'), {
      since,
      after_id: after,
    });
    for (const row of page) {
      const { id: _id, ...transition } = toTransition(row);
      yield transition;
    }
    if (page.length < EXPORT_PAGE) break;
    after = Number(page.at(-1)?.id);
  }
}

/** Writes an imported transition unless its cell already has one at that moment; true when written. */
export async function importWatchTransition(session: SqlSession, t: WatchTransition): Promise<boolean> {
  return (await session.query(INSERT_WATCH_TRANSITION, params(t))).length > 0;
}

/** Removes (or with `dryRun` only counts) the transitions before `before` but each cell's newest. */
export async function pruneWatchTransitions(
  session: SqlSession,
  before: number,
  dryRun: boolean,
): Promise<number> {
  const [row] = await session.query(COUNT_PRUNABLE_WATCH_TRANSITIONS, { before });
  const n = Number(row?.n ?? 0);
  if (!dryRun && n > 0) await session.query(PRUNE_WATCH_TRANSITIONS, { before });
  return n;
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
