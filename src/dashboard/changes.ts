/**
 * One watcher per dashboard, however many browsers are open: while anyone listens it reads a
 * small fingerprint of the ledger (the newest runs, the events of the unfinished ones, locks,
 * the dashboard's actions and `tranche watch`'s newest transition) every `intervalMs`, and tells
 * every listener once when it changed.
 * Browsers get the news over server-sent events; none of them polls.
 */
import type { DashboardLedger } from './read-model.ts';

export interface ChangeWatcher {
  /** Calls `listener` after each change until the returned function is called. */
  subscribe(listener: () => void): () => void;
  /** Stops watching (the host is closing). */
  close(): void;
}

const RUNS = 20;

/** The ledger's state as far as the page cares, read cheaply: `seqs` keeps each unfinished run's last event seen. */
async function fingerprint(ledger: DashboardLedger, now: number, seqs: Map<string, number>): Promise<string> {
  const [runs, locks, actions, watched] = await Promise.all([
    ledger.runs({ limit: RUNS }),
    ledger.locks(now),
    ledger.dashboardActions(1),
    ledger.watchCursor(),
  ]);
  const unfinished = runs.filter((run) => run.finishedAt === null);
  await Promise.all(
    unfinished.map(async (run) => {
      const after = seqs.get(run.runId) ?? 0;
      const newer = await ledger.events({ runId: run.runId, afterSeq: after });
      seqs.set(run.runId, newer.at(-1)?.seq ?? after);
    }),
  );
  for (const runId of seqs.keys()) if (!unfinished.some((run) => run.runId === runId)) seqs.delete(runId);
  return JSON.stringify([
    runs.map((run) => [run.runId, run.finishedAt]),
    [...seqs],
    locks.map((lock) => [lock.name, lock.holder, lock.acquiredAt]),
    actions.map((action) => [action.id, action.state]),
    watched,
  ]);
}

export function watchLedger(
  ledger: DashboardLedger,
  options: { intervalMs: number; now: () => number; onError: (error: unknown) => void },
): ChangeWatcher {
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  const seqs = new Map<string, number>();
  let reading = false;
  const look = async () => {
    if (reading) return;
    reading = true;
    try {
      const seen = await fingerprint(ledger, options.now(), seqs);
      if (last !== undefined && seen !== last) for (const listener of [...listeners]) listener();
      last = seen;
    } catch (error) {
      options.onError(error);
    } finally {
      reading = false;
    }
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    last = undefined;
    seqs.clear();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) {
        timer = setInterval(look, options.intervalMs);
        void look();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    close() {
      listeners.clear();
      stop();
    },
  };
}
