/**
 * The statements of the watch_transitions table (watch-transitions.ts): each change of a cell of
 * `tranche watch`'s targets × checks matrix.
 */

/** The table and its index, given the backend's auto-incrementing primary key (SqlDialect.identityPrimaryKey). */
export function watchTransitionsTable(identityPrimaryKey: string): string[] {
  return [
    `CREATE TABLE watch_transitions (
  id ${identityPrimaryKey},
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  component TEXT NOT NULL,
  target TEXT NOT NULL,
  check_name TEXT NOT NULL,
  at BIGINT NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  value DOUBLE PRECISION
)`,
    'CREATE INDEX watch_transitions_cell ON watch_transitions (service, environment, component, target, check_name, id)',
  ];
}

const WATCH_COLUMNS =
  'service, environment, component, target, check_name, at, state, status, reason, value' as const;

export const INSERT_WATCH_TRANSITION = `INSERT INTO watch_transitions (${WATCH_COLUMNS})
VALUES ($service, $environment, $component, $target, $check_name, $at, $state, $status, $reason, $value)` as const;

export const SELECT_WATCH_TRANSITIONS = `SELECT id, ${WATCH_COLUMNS} FROM watch_transitions
WHERE service = $service AND environment = $environment AND id > $after_id
ORDER BY id` as const;

/** The newest transition of each cell. */
export const SELECT_WATCH_CELLS = `SELECT id, ${WATCH_COLUMNS} FROM watch_transitions
WHERE id IN (
  SELECT MAX(id) FROM watch_transitions WHERE service = $service AND environment = $environment
  GROUP BY component, target, check_name
)
ORDER BY component, target, check_name` as const;

/** The newest transition's id, of any environment; 0 when there is none. */
export const SELECT_WATCH_CURSOR = 'SELECT COALESCE(MAX(id), 0) AS id FROM watch_transitions' as const;

/** Without a limit, this many transitions at most. */
export const DEFAULT_WATCH_LIMIT = 10_000;
