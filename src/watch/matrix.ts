/**
 * The targets × checks matrix of an environment, as `tranche watch` keeps it live and as the
 * ledger holds it between watches: what the dashboard's panel and `--json` show.
 */
import type { CheckStatus } from '../engine/vocabulary.ts';
import type { WatchLedger, WatchState, WatchTransition } from '../ledger/watch-types.ts';

export interface WatchCell {
  component: string;
  target: string;
  check: string;
  state: WatchState;
  status: CheckStatus;
  /** Epoch ms the cell took its state. */
  since: number;
  /** The check's one-line reason: why it passed or failed. */
  reason: string;
  value: number | null;
}

export interface WatchRow {
  component: string;
  target: string;
}

export interface WatchMatrix {
  service: string;
  environment: string;
  /** The rows, in order. */
  targets: WatchRow[];
  /** The columns, in order. */
  checks: string[];
  /** The cells observed; a row's check without a cell was not observed (or its component does not run it). */
  cells: WatchCell[];
}

/** The matrix as the last watch left it in the ledger: each cell's newest transition. */
export async function readWatchMatrix(
  ledger: Pick<WatchLedger, 'watchCells'>,
  service: string,
  environment: string,
): Promise<WatchMatrix> {
  const cells = (await ledger.watchCells(service, environment)).map(cellOf);
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const rows = new Map<string, WatchRow>();
  for (const cell of cells) rows.set(JSON.stringify([cell.component, cell.target]), cell);
  return {
    service,
    environment,
    targets: [...rows.values()]
      .map(({ component, target }) => ({ component, target }))
      .sort((a, b) => byName(a.component, b.component) || byName(a.target, b.target)),
    checks: [...new Set(cells.map((c) => c.check))].sort(byName),
    cells,
  };
}

/** The cell a transition leaves behind. */
export function cellOf(t: WatchTransition): WatchCell {
  return {
    component: t.component,
    target: t.target,
    check: t.check,
    state: t.state,
    status: t.status,
    since: t.at,
    reason: t.reason,
    value: t.value,
  };
}
