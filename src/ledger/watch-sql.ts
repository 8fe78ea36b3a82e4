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

/** What makes a transition one: its cell's change at one moment. */
const WATCH_MOMENT = 'service, environment, component, target, check_name, at' as const;

/**
 * One row per cell and moment (migration 17). Without it, two imports of one bundle into a
 * PostgreSQL ledger at once could each find a transition missing and both insert it. Copies made
 * so before are dropped, the first kept.
 */
export const WATCH_MOMENT_UNIQUE = [
  `DELETE FROM watch_transitions WHERE EXISTS (
  SELECT 1 FROM watch_transitions earlier
  WHERE earlier.service = watch_transitions.service AND earlier.environment = watch_transitions.environment
    AND earlier.component = watch_transitions.component AND earlier.target = watch_transitions.target
    AND earlier.check_name = watch_transitions.check_name AND earlier.at = watch_transitions.at
    AND earlier.id < watch_transitions.id
)`,
  `CREATE UNIQUE INDEX watch_transitions_moment ON watch_transitions (${WATCH_MOMENT})`,
];

const WATCH_COLUMNS =
  'service, environment, component, target, check_name, at, state, status, reason, value' as const;

/**
 * A transition, unless its cell's change at that moment is recorded: returns its row only when
 * written. A ledger that has it keeps its own copy, whether imported or seen by another watch.
 */
export const INSERT_WATCH_TRANSITION = `INSERT INTO watch_transitions (${WATCH_COLUMNS})
VALUES ($service, $environment, $component, $target, $check_name, $at, $state, $status, $reason, $value)
ON CONFLICT (${WATCH_MOMENT}) DO NOTHING
RETURNING id` as const;

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

// Bundles (`ledger export`, `ledger import`) and `ledger prune`.

/** One page of the transitions recorded since, by id (the order a bundle keeps). */
export const EXPORT_WATCH_TRANSITIONS = `SELECT id, ${WATCH_COLUMNS} FROM watch_transitions
WHERE at >= $since AND id > $after_id
ORDER BY id` as const;

/**
 * What a prune of the transitions before $before keeps: each cell's newest, the matrix as the
 * last watch left it (as a run's run_started and run_finished carry its outcome through a prune).
 */
const PRUNABLE_WATCH_TRANSITIONS = `at < $before AND id NOT IN (
  SELECT MAX(id) FROM watch_transitions GROUP BY service, environment, component, target, check_name
)` as const;

export const COUNT_PRUNABLE_WATCH_TRANSITIONS =
  `SELECT COUNT(*) AS n FROM watch_transitions WHERE ${PRUNABLE_WATCH_TRANSITIONS}` as const;

export const PRUNE_WATCH_TRANSITIONS =
  `DELETE FROM watch_transitions WHERE ${PRUNABLE_WATCH_TRANSITIONS}` as const;
