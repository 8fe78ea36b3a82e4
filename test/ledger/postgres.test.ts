import { beforeEach, describe, expect, it } from 'vitest';
import { PostgresLedger } from '../../src/ledger/postgres.ts';
import { migrations, POSTGRES_DIALECT, schemaVersion } from '../../src/ledger/sql.ts';
import type { LedgerRecord, VersionRecord } from '../../src/ledger/types.ts';
import { eventually } from '../support/eventually.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { describePostgres, freshDatabaseUrl, freshLedgerUrl, withClient } from '../support/postgres.ts';
import { transition } from '../watch/transitions.ts';
import { describeLedgerContract } from './contract.ts';
import { describeReadSnapshot } from './contract-read.ts';
import { describeLockProcesses } from './lock-processes.ts';
import { FIXTURES, runTogether } from './processes.ts';
import { describeReleaseProcesses } from './release-processes.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const MIGRATIONS = migrations(POSTGRES_DIALECT).map((m) => m.version);

describePostgres('PostgreSQL', () => {
  describeLedgerContract('PostgreSQL', async () => PostgresLedger.open(await freshLedgerUrl()));

  describeReadSnapshot('PostgreSQL, two pools', async () => {
    const url = await freshLedgerUrl();
    const reader = await PostgresLedger.open(url);
    return [reader, await PostgresLedger.open(url)];
  });

  describe('PostgresLedger', () => {
    let url: string;

    beforeEach(async () => {
      url = await freshLedgerUrl();
    });

    const appliedMigrations = (ledgerUrl: string) =>
      withClient(ledgerUrl, async (client) =>
        (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) =>
          Number(r.version),
        ),
      );

    describe('open', () => {
      it("creates the ledger's tables in its own schema, leaving the database's public schema alone", async () => {
        const database = await freshDatabaseUrl();
        await (await PostgresLedger.open(database)).close();
        const tables = await withClient(
          database,
          async (client) =>
            (
              await client.query(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = 'runs'",
              )
            ).rows,
        );
        expect(tables).toEqual([{ table_schema: 'tranche', table_name: 'runs' }]);
      });

      it('keeps two ledgers in one database apart by schema', async () => {
        const other = await freshLedgerUrl();
        const a = await PostgresLedger.open(url);
        const b = await PostgresLedger.open(other);
        try {
          await a.nextVersion('api', null, '{n}', T0);
          await a.nextVersion('api', null, '{n}', T0);
          expect((await b.nextVersion('api', null, '{n}', T0)).n).toBe(1);
        } finally {
          await a.close();
          await b.close();
        }
      });

      it('finds its records again after reopening', async () => {
        const first = await PostgresLedger.open(url);
        await first.nextVersion('api', 'abc', '1.{n}', T0);
        await first.close();
        const second = await PostgresLedger.open(url);
        try {
          expect((await second.nextVersion('api', null, '1.{n}', T0)).version).toBe('1.2');
        } finally {
          await second.close();
        }
      });
    });

    describe('migrations', () => {
      it('records each migration once', async () => {
        await (await PostgresLedger.open(url)).close();
        await (await PostgresLedger.open(url)).close();
        expect(await appliedMigrations(url)).toEqual(MIGRATIONS);
      });

      it('migrates an empty database opened by eight processes at once exactly once', {
        timeout: timeoutFor({ nodes: 8 }),
      }, async () => {
        const database = await freshDatabaseUrl();
        const outputs = await runTogether(
          FIXTURES.allocate,
          Array.from({ length: 8 }, (_, i) => [database, 'api', `c${i}`, '{n}']),
        );
        expect(outputs.map((lines) => (lines[0] as VersionRecord).n).sort((a, b) => a - b)).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        expect(await appliedMigrations(database)).toEqual(MIGRATIONS);
      });

      it('keeps one watch transition per cell and moment, the first, of a ledger that holds copies', async () => {
        await (await PostgresLedger.open(url)).close();
        await withClient(url, async (client) => {
          // The table as migration 9 left it, holding two copies of one moment.
          await client.query('DROP INDEX watch_transitions_moment');
          await client.query('DELETE FROM schema_migrations WHERE version = 17');
          for (const [target, at, state, status] of [
            ['app-1', T0, 'red', 'fail'],
            ['app-1', T0, 'green', 'pass'],
            ['app-1', T0 + 1, 'green', 'pass'],
            ['app-2', T0, 'red', 'fail'],
          ]) {
            await client.query(
              `INSERT INTO watch_transitions
                 (service, environment, component, target, check_name, at, state, status, reason, value)
               VALUES ('shop', 'prod', 'app', $1, 'up', $2, $3, $4, 'exit code', NULL)`,
              [target, at, state, status],
            );
          }
        });
        const ledger = await PostgresLedger.open(url);
        try {
          const kept = await ledger.watchTransitions({ service: 'shop', environment: 'prod' });
          expect(kept.map((t) => [t.target, t.at, t.state])).toEqual([
            ['app-1', T0, 'red'],
            ['app-1', T0 + 1, 'green'],
            ['app-2', T0, 'red'],
          ]);
        } finally {
          await ledger.close();
        }
      });

      it('refuses a ledger whose schema is newer than this code knows', async () => {
        await (await PostgresLedger.open(url)).close();
        const newer = schemaVersion(migrations(POSTGRES_DIALECT)) + 1;
        await withClient(url, (client) =>
          client.query('INSERT INTO schema_migrations VALUES ($1, $2)', [newer, T0]),
        );
        await expect(PostgresLedger.open(url)).rejects.toThrow(
          new RegExp(`schema version ${newer}, newer than this Tranche knows`),
        );
      });
    });

    describe('a server that ends the session between two statements of a transaction', () => {
      const watched = (target: string): LedgerRecord => ({
        type: 'watch',
        watch: transition({ target, check: 'up' }),
      });
      /** Backends of the ledger's database idle inside a transaction, as `pid`s. */
      const idleInTransaction = (ledgerUrl: string) =>
        withClient(ledgerUrl, async (client) =>
          (
            await client.query(
              `SELECT pid FROM pg_stat_activity
               WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
            )
          ).rows.map((row) => Number(row.pid)),
        );

      it('does the transaction again on a new connection, and the process goes on', async () => {
        const ledger = await PostgresLedger.open(url);
        try {
          let tries = 0;
          let paused = () => {};
          const pausing = new Promise<void>((resolve) => {
            paused = resolve;
          });
          let go = () => {};
          const gate = new Promise<void>((resolve) => {
            go = resolve;
          });
          const importing = ledger.importRecords(async function* () {
            tries += 1;
            yield watched('app-1');
            if (tries === 1) {
              paused();
              await gate;
            }
            yield watched('app-2');
          });
          await pausing;
          // As a restart or failover does, while the ledger's session waits inside its transaction.
          const [pid] = await idleInTransaction(url);
          await withClient(url, (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
          await eventually(
            async () => ((await idleInTransaction(url)).includes(Number(pid)) ? undefined : true),
            'the session to end',
          );
          go();
          expect((await importing).watch).toEqual({ written: 2, present: 0 });
          expect(tries).toBe(2);
          const kept = await ledger.watchTransitions({ service: 'shop', environment: 'prod' });
          expect(kept.map((t) => t.target)).toEqual(['app-1', 'app-2']);
        } finally {
          await ledger.close();
        }
      });
    });

    describe('between processes', () => {
      // Eight workers, and 400 transactions contending for one row.
      it('gives 8 processes allocating 50 versions each 400 distinct, consecutive versions', {
        timeout: timeoutFor({ nodes: 8, waitsMs: 60_000 }),
      }, async () => {
        const outputs = await runTogether(
          FIXTURES.allocate,
          Array.from({ length: 8 }, (_, i) => [url, 'api', `commit-${i}`, '3.1.{n}', '50']),
        );
        const records = outputs.flat() as VersionRecord[];
        expect(records.map((r) => r.n).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 400 }, (_, i) => i + 1),
        );
        for (const [i, lines] of outputs.entries()) {
          const mine = lines as VersionRecord[];
          expect(mine).toHaveLength(50);
          // Each process's own allocations are increasing: the counter never goes back.
          expect(mine.map((r) => r.n)).toEqual([...mine.map((r) => r.n)].sort((a, b) => a - b));
          for (const r of mine) expect(r).toMatchObject({ commit: `commit-${i}`, version: `3.1.${r.n}` });
        }
        const ledger = await PostgresLedger.open(url);
        try {
          expect((await ledger.versions('api')).map((v) => v.n)).toEqual(
            records.map((r) => r.n).sort((a, b) => a - b),
          );
        } finally {
          await ledger.close();
        }
      });

      describeLockProcesses(() => url);
      describeReleaseProcesses(async () => url);
    });
  });
});
