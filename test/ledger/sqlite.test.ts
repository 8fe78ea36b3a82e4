import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EXPIRE_RELEASES,
  SELECT_QUEUED_RELEASES,
  SELECT_REPOS_WITH_QUEUED_RELEASES,
} from '../../src/ledger/releases-sql.ts';
import { migrations, SQLITE_DIALECT, schemaVersion } from '../../src/ledger/sql.ts';
import { BUSY_TIMEOUT_MS, SqliteLedger } from '../../src/ledger/sqlite.ts';
import type { VersionRecord } from '../../src/ledger/types.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';
import { transition } from '../watch/transitions.ts';
import { describeLedgerContract } from './contract.ts';
import { describeReadSnapshot } from './contract-read.ts';
import { describeLockProcesses } from './lock-processes.ts';
import { FIXTURES, runTogether } from './processes.ts';
import { describeReleaseProcesses } from './release-processes.ts';

const SCHEMA_VERSION = schemaVersion(migrations(SQLITE_DIALECT));
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

const contractDirs: string[] = [];
afterAll(() => {
  for (const dir of contractDirs) rmSync(dir, { recursive: true, force: true });
});

describeLedgerContract('SQLite in memory', () => SqliteLedger.open(':memory:'));

describeLedgerContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-ledger-'));
  contractDirs.push(dir);
  return SqliteLedger.open(join(dir, 'ledger.db'));
});

describeReadSnapshot('SQLite file, two connections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-ledger-'));
  contractDirs.push(dir);
  const path = join(dir, 'ledger.db');
  const reader = await SqliteLedger.open(path);
  return [reader, await SqliteLedger.open(path)];
});

/** Reads the file directly, bypassing the ledger. */
function inspect<T>(path: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path, { timeout: 10_000 });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Starts `count` allocate.ts processes against one file and lets them all go at once. */
async function allocateInProcesses(path: string, count: number, commitOf: (i: number) => string) {
  const outputs = await runTogether(
    FIXTURES.allocate,
    Array.from({ length: count }, (_, i) => [path, 'api', commitOf(i), '3.1.{n}']),
  );
  return outputs.map((lines) => lines[0] as VersionRecord);
}

describe('SqliteLedger', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tranche-ledger-'));
    path = join(dir, 'ledger.db');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('open', () => {
    it('creates missing parent directories', async () => {
      const nested = join(dir, 'a', 'b', 'ledger.db');
      const ledger = await SqliteLedger.open(nested);
      await ledger.close();
      expect(existsSync(nested)).toBe(true);
    });

    it('puts the file in WAL mode', async () => {
      await (await SqliteLedger.open(path)).close();
      expect(inspect(path, (db) => db.prepare('PRAGMA journal_mode').get()?.journal_mode)).toBe('wal');
    });

    it('closes twice without complaint', async () => {
      const ledger = await SqliteLedger.open(path);
      await ledger.close();
      await expect(ledger.close()).resolves.toBeUndefined();
    });
  });

  describe('persistence', () => {
    it('finds versions, runs, events and target states again after reopening the file', async () => {
      const first = await SqliteLedger.open(path);
      await first.nextVersion('api', 'abc', '1.{n}', T0);
      await first.record({
        runId: 'r1',
        seq: 1,
        at: T0,
        kind: 'run_started',
        status: 'started',
        service: 'api',
        environment: 'prod',
        version: '1.1',
        data: { commit: 'abc' },
      });
      await first.updateTargets('api', 'prod', 'r1', [
        { component: 'web', target: 'w1', version: '1.1', good: true },
      ]);
      await first.close();

      const second = await SqliteLedger.open(path);
      try {
        expect((await second.versions('api')).map((v) => v.version)).toEqual(['1.1']);
        expect((await second.runs({})).map((r) => [r.runId, r.commit])).toEqual([['r1', 'abc']]);
        expect(await second.events({ runId: 'r1' })).toHaveLength(1);
        expect(await second.targetStates('api', 'prod')).toEqual([
          { component: 'web', target: 'w1', version: '1.1', goodVersion: '1.1', runId: 'r1' },
        ]);
        expect((await second.nextVersion('api', null, '1.{n}', T0)).version).toBe('1.2');
      } finally {
        await second.close();
      }
    });
  });

  describe('migrations', () => {
    const versions = (): number[] =>
      inspect(path, (db) =>
        db
          .prepare('SELECT version FROM schema_migrations ORDER BY version')
          .all()
          .map((row) => Number(row.version)),
      );
    const every = migrations(SQLITE_DIALECT).map((m) => m.version);

    it('records each migration once on a new file', async () => {
      await (await SqliteLedger.open(path)).close();
      expect(versions()).toEqual(every);
      expect(every.at(-1)).toBe(SCHEMA_VERSION);
    });

    it('applies nothing again when the file is reopened', async () => {
      await (await SqliteLedger.open(path)).close();
      await (await SqliteLedger.open(path)).close();
      expect(versions()).toEqual(every);
    });

    it('migrates a new file opened by two processes at once exactly once', {
      timeout: timeoutFor({ nodes: 2 }),
    }, async () => {
      const records = await allocateInProcesses(path, 2, (i) => `commit-${i}`);
      expect(records.map((r) => r.n).sort()).toEqual([1, 2]);
      expect(versions()).toEqual(every);
    });

    it('binds each service the bot released before to the repository of its first release', async () => {
      await (await SqliteLedger.open(path)).close();
      inspect(path, (db) => {
        db.exec('DROP TABLE service_owners');
        db.prepare('DELETE FROM schema_migrations WHERE version = 8').run();
        const insert = db.prepare(`INSERT INTO bot_releases
          (repo, environment, service, origin, kind, state, requested_at, updated_at)
          VALUES (?, 'production', ?, 'seen', 'deploy', 'success', ?, ?)`);
        insert.run('acme/shop', 'shop', T0, T0);
        insert.run('mallory/shop', 'shop', T0 + 1, T0 + 1);
        insert.run('acme/search', 'search', T0 + 2, T0 + 2);
      });
      const ledger = await SqliteLedger.open(path);
      try {
        expect(await ledger.serviceOwner('shop')).toEqual({
          service: 'shop',
          repos: ['acme/shop'],
          boundAt: T0,
          updatedAt: T0,
        });
        expect((await ledger.serviceOwner('search'))?.repos).toEqual(['acme/search']);
      } finally {
        await ledger.close();
      }
    });

    it('keeps one watch transition per cell and moment, the first, of a ledger that holds copies', async () => {
      await (await SqliteLedger.open(path)).close();
      inspect(path, (db) => {
        // The table as migration 9 left it, holding two copies of one moment.
        db.exec('DROP INDEX watch_transitions_moment');
        db.prepare('DELETE FROM schema_migrations WHERE version = 17').run();
        const insert = db.prepare(`INSERT INTO watch_transitions
          (service, environment, component, target, check_name, at, state, status, reason, value)
          VALUES ('shop', 'prod', 'app', ?, 'up', ?, ?, ?, 'exit code', NULL)`);
        insert.run('app-1', T0, 'red', 'fail');
        insert.run('app-1', T0, 'green', 'pass');
        insert.run('app-1', T0 + 1, 'green', 'pass');
        insert.run('app-2', T0, 'red', 'fail');
      });
      const ledger = await SqliteLedger.open(path);
      try {
        const kept = async () =>
          (await ledger.watchTransitions({ service: 'shop', environment: 'prod' })).map((t) => [
            t.target,
            t.at,
            t.state,
          ]);
        const expected = [
          ['app-1', T0, 'red'],
          ['app-1', T0 + 1, 'green'],
          ['app-2', T0, 'red'],
        ];
        expect(await kept()).toEqual(expected);
        await ledger.importRecords(async function* () {
          yield {
            type: 'watch',
            watch: transition({ target: 'app-1', check: 'up', at: T0, state: 'green', status: 'pass' }),
          };
        });
        expect(await kept()).toEqual(expected);
      } finally {
        await ledger.close();
      }
    });

    it("keeps the bot's claims in one tree each, and the claims made before", async () => {
      await (await SqliteLedger.open(path)).close();
      inspect(path, (db) => {
        // The table as migration 4 made it, holding a claim.
        db.exec(`DROP TABLE bot_deliveries;
          CREATE TABLE bot_deliveries (delivery_id TEXT PRIMARY KEY, repo TEXT NOT NULL,
            event TEXT NOT NULL, received_at BIGINT NOT NULL);
          CREATE INDEX bot_deliveries_received_at ON bot_deliveries (received_at);`);
        db.prepare('INSERT INTO bot_deliveries VALUES (?, ?, ?, ?)').run(
          'd-1',
          'acme/shop',
          'deployment_status',
          T0,
        );
        db.prepare('DELETE FROM schema_migrations WHERE version = 15').run();
      });
      const ledger = await SqliteLedger.open(path);
      try {
        const claim = (id: string) =>
          ledger.claimDelivery({ id, repo: 'acme/shop', event: 'deployment_status', at: T0 });
        expect([await claim('d-1'), await claim('d-2')]).toEqual([false, true]);
      } finally {
        await ledger.close();
      }
      inspect(path, (db) => {
        const table = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'bot_deliveries'").get();
        expect(String(table?.sql)).toMatch(/\) WITHOUT ROWID$/);
        const indexes = db.prepare('PRAGMA index_list(bot_deliveries)').all();
        expect(indexes.filter((index) => index.origin !== 'pk')).toEqual([]);
      });
    });

    it("expires the bot's own lapsed releases and reads its queue without walking the deployments it only saw", async () => {
      await (await SqliteLedger.open(path)).close();
      const plan = (sql: string, params: Record<string, string | number>) =>
        inspect(path, (db) =>
          db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(params)
            .map((row) => String(row.detail))
            .join('; '),
        );
      const admitted =
        /SEARCH bot_releases USING (COVERING )?INDEX bot_releases_admitted_state \(repo=\? AND state=\?\)/;
      expect(plan(EXPIRE_RELEASES, { now: T0, repo: 'acme/shop' })).toMatch(admitted);
      expect(plan(SELECT_QUEUED_RELEASES, { repo: 'acme/shop' })).toMatch(admitted);
      // The timer's look for queues, every minute: the index of the bot's own releases, not the table.
      expect(plan(SELECT_REPOS_WITH_QUEUED_RELEASES, {})).toMatch(
        /^SCAN bot_releases USING COVERING INDEX bot_releases_admitted_state$/,
      );
    });

    it('refuses a file whose schema is newer than this code knows', async () => {
      await (await SqliteLedger.open(path)).close();
      inspect(path, (db) =>
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(SCHEMA_VERSION + 1, T0),
      );
      await expect(SqliteLedger.open(path)).rejects.toThrow(/newer than this Tranche knows/);
    });
  });

  describe('concurrency between processes', () => {
    it("waits for another process's write lock instead of failing", {
      timeout: timeoutFor({ nodes: 2, waitsMs: BUSY_TIMEOUT_MS / 2 }),
    }, async () => {
      // Held long enough that the test asks while it is held however slowly the line reaches it,
      // and well within the ledger's busy timeout.
      const holdMs = Math.min(BUSY_TIMEOUT_MS / 2, Math.max(500, allowFor({ nodes: 1 })));
      const ledger = await SqliteLedger.open(path);
      const holder = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { DatabaseSync } from 'node:sqlite';
         const db = new DatabaseSync(process.argv[1]);
         db.exec('BEGIN IMMEDIATE');
         process.stdout.write('locked\\n');
         setTimeout(() => {
           db.exec('COMMIT');
           process.stdout.write('committed ' + Date.now() + '\\n');
           db.close();
         }, Number(process.argv[2]));`,
          path,
          String(holdMs),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      holder.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      // 'close': the process has exited and everything it printed has been read.
      const exited = new Promise((resolve) => holder.once('close', resolve));
      await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
      try {
        const asked = Date.now();
        const record = await ledger.nextVersion('api', null, '{n}', T0);
        expect(record.n).toBe(1);
        await exited;
        // Asked while the other process held the lock, answered once it let go.
        const committed = Number(/committed (\d+)/.exec(output)?.[1]);
        expect(asked).toBeLessThan(committed);
      } finally {
        await ledger.close();
        await exited;
      }
    });

    it('gives 50 processes allocating at once 50 distinct, consecutive versions', {
      timeout: timeoutFor({ nodes: 50 }),
    }, async () => {
      const count = 50;
      const records = await allocateInProcesses(path, count, (i) => `commit-${i}`);

      const counters = records.map((r) => r.n).sort((a, b) => a - b);
      expect(counters).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      for (const [i, record] of records.entries()) {
        expect(record).toMatchObject({ service: 'api', commit: `commit-${i}`, version: `3.1.${record.n}` });
      }

      const ledger = await SqliteLedger.open(path);
      try {
        const stored = await ledger.versions('api');
        expect(stored.map((v) => [v.n, v.commit])).toEqual(
          [...records].sort((a, b) => a.n - b.n).map((r) => [r.n, r.commit]),
        );
      } finally {
        await ledger.close();
      }
    });

    describeLockProcesses(() => path);
    describeReleaseProcesses(async () => path);
  });
});
