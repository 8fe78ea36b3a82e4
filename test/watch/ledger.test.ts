/** The ledger's watch transitions, on SQLite and PostgreSQL alike, and the matrix read back from them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import { PostgresLedger } from '../../src/ledger/postgres.ts';
import type { Ledger, LedgerRecord } from '../../src/ledger/types.ts';
import { readWatchMatrix } from '../../src/watch/matrix.ts';
import { eventually } from '../support/eventually.ts';
import { LEDGER_BACKENDS } from '../support/ledgers.ts';
import { describePostgres, freshLedgerUrl, withClient } from '../support/postgres.ts';
import { T0, transition } from './transitions.ts';

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`watch transitions on ${backend.name}`, () => {
    let dir: string;
    let ledger: Ledger;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tranche-watch-'));
      ledger = await openLedger(await backend.location(dir), dir);
    });
    afterEach(async () => {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('records transitions and reads them back in the order they were recorded', async () => {
      const written = [
        transition({ target: 'app-1', check: 'up' }),
        transition({
          target: 'app-1',
          check: 'latency',
          state: 'green',
          status: 'pass',
          reason: 'ok',
          value: 12.5,
        }),
        transition({
          target: 'app-1',
          check: 'up',
          at: T0 + 15_000,
          state: 'green',
          status: 'pass',
          reason: 'exited 0',
        }),
      ];
      await ledger.recordWatchTransitions(written.slice(0, 2));
      await ledger.recordWatchTransitions(written.slice(2));
      const read = await ledger.watchTransitions({ service: 'shop', environment: 'prod' });
      expect(read.map(({ id: _, ...t }) => t)).toEqual(written);
      const ids = read.map((t) => t.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(3);
    });

    it('pages through transitions after an id', async () => {
      await ledger.recordWatchTransitions(
        ['app-1', 'app-2', 'app-3', 'app-4'].map((target) => transition({ target, check: 'up' })),
      );
      const [first, second] = await ledger.watchTransitions({
        service: 'shop',
        environment: 'prod',
        limit: 2,
      });
      expect([first?.target, second?.target]).toEqual(['app-1', 'app-2']);
      const rest = await ledger.watchTransitions({
        service: 'shop',
        environment: 'prod',
        afterId: second?.id,
      });
      expect(rest.map((t) => t.target)).toEqual(['app-3', 'app-4']);
    });

    it("gives each cell's newest transition, and keeps services and environments apart", async () => {
      await ledger.recordWatchTransitions([
        transition({ target: 'app-2', check: 'up' }),
        transition({ target: 'app-10', check: 'up' }),
        transition({
          target: 'app-2',
          check: 'up',
          at: T0 + 1,
          state: 'green',
          status: 'pass',
          reason: 'exited 0',
        }),
        transition({ target: 'app-2', check: 'up', environment: 'staging', at: T0 + 2 }),
        transition({ target: 'app-2', check: 'up', service: 'search', at: T0 + 3 }),
      ]);
      const cells = await ledger.watchCells('shop', 'prod');
      expect(cells.map((c) => [c.target, c.check, c.state, c.at])).toEqual([
        ['app-10', 'up', 'red', T0],
        ['app-2', 'up', 'green', T0 + 1],
      ]);
      expect(await ledger.watchCells('shop', 'nowhere')).toEqual([]);
    });

    it("keeps a cell's change at one moment once, as first recorded (another watch may see it too)", async () => {
      const first = transition({ target: 'app-1', check: 'up' });
      await ledger.recordWatchTransitions([first]);
      await ledger.recordWatchTransitions([
        { ...first, state: 'green', status: 'pass', reason: 'exited 0' },
        transition({ target: 'app-2', check: 'up' }),
      ]);
      const read = await ledger.watchTransitions({ service: 'shop', environment: 'prod' });
      expect(read.map(({ id: _, ...t }) => t)).toEqual([first, transition({ target: 'app-2', check: 'up' })]);
    });

    it('moves its cursor on with every transition, of any environment', async () => {
      expect(await ledger.watchCursor()).toBe(0);
      await ledger.recordWatchTransitions([transition({ target: 'app-1', check: 'up' })]);
      const first = await ledger.watchCursor();
      expect(first).toBeGreaterThan(0);
      await ledger.recordWatchTransitions([
        transition({ target: 'app-1', check: 'up', environment: 'staging' }),
      ]);
      expect(await ledger.watchCursor()).toBeGreaterThan(first);
    });

    it('reads the matrix: rows and columns in natural order, each cell with its state, since and reason', async () => {
      await ledger.recordWatchTransitions([
        transition({ target: 'app-10', check: 'up', reason: 'no state file' }),
        transition({ target: 'app-2', check: 'up', reason: 'no state file' }),
        transition({
          target: 'app-2',
          check: 'latency',
          state: 'green',
          status: 'pass',
          reason: 'ok',
          value: 4,
        }),
        transition({
          component: 'edge',
          target: 'edge-1',
          check: 'up',
          at: T0 + 5,
          status: 'error',
          reason: 'timed out',
        }),
        transition({
          target: 'app-2',
          check: 'up',
          at: T0 + 9,
          state: 'green',
          status: 'pass',
          reason: 'exited 0',
        }),
      ]);
      const matrix = await readWatchMatrix(ledger, 'shop', 'prod');
      expect(matrix.targets).toEqual([
        { component: 'app', target: 'app-2' },
        { component: 'app', target: 'app-10' },
        { component: 'edge', target: 'edge-1' },
      ]);
      expect(matrix.checks).toEqual(['latency', 'up']);
      expect(matrix.cells).toContainEqual({
        component: 'app',
        target: 'app-2',
        check: 'up',
        state: 'green',
        status: 'pass',
        since: T0 + 9,
        reason: 'exited 0',
        value: null,
      });
      expect(matrix.cells).toContainEqual(
        expect.objectContaining({
          target: 'edge-1',
          state: 'red',
          status: 'error',
          since: T0 + 5,
          reason: 'timed out',
        }),
      );
      expect(matrix.cells).toContainEqual(
        expect.objectContaining({ target: 'app-2', check: 'latency', value: 4 }),
      );
      expect(matrix.cells).toHaveLength(4);
    });
  });
}

describePostgres('watch transitions imported into one PostgreSQL ledger by two handles at once', () => {
  /** How many statements on the ledger's database wait for a lock while inserting a transition. */
  const waitingInserts = (url: string) =>
    withClient(url, async (client) => {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query LIKE 'INSERT INTO watch_transitions%'`,
      );
      return Number(rows[0]?.n);
    });

  it('writes a transition once: the second import waits for the first and finds it there', async () => {
    const url = await freshLedgerUrl();
    const first = await PostgresLedger.open(url);
    const second = await PostgresLedger.open(url);
    try {
      const record: LedgerRecord = { type: 'watch', watch: transition({ target: 'app-1', check: 'up' }) };
      // The first import writes the transition and holds its transaction open until told.
      let wrote = () => {};
      const written = new Promise<void>((resolve) => {
        wrote = resolve;
      });
      let finish = () => {};
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const importing = first.importRecords(async function* () {
        yield record;
        wrote();
        await finished;
      });
      await written;
      // The second looks for it before the first commits: it either writes a copy of its own beside
      // the first's, or waits for the first to end.
      let secondWrote = false;
      const importingAgain = second.importRecords(async function* () {
        yield record;
        secondWrote = true;
      });
      await eventually(
        async () => (secondWrote || (await waitingInserts(url)) > 0 ? true : undefined),
        'the second import to write the transition or wait for the first',
      );
      finish();
      const counts = await Promise.all([importing, importingAgain]);
      expect(counts.map((c) => c.watch)).toEqual([
        { written: 1, present: 0 },
        { written: 0, present: 1 },
      ]);
      expect(await first.watchTransitions({ service: 'shop', environment: 'prod' })).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
