import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger, type SqliteOptions } from '../../src/ledger/sqlite.ts';
import { rowsInFileAlone, untilInFileAlone } from '../support/sqlite-file-alone.ts';

const CLAIMS = 40;

/**
 * The WAL header's first salt: SQLite adds one to it each time a writer starts the log over
 * from its beginning (https://sqlite.org/fileformat2.html#walformat).
 */
function walSalt(path: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(`${path}-wal`, 'r');
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(16);
}

describe('background checkpoints of a SQLite ledger', () => {
  let dir: string;
  let path: string;
  let errors: string[];
  let ledger: SqliteLedger | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tranche-checkpoints-'));
    path = join(dir, 'ledger.db');
    errors = [];
  });

  afterEach(async () => {
    await ledger?.close();
    ledger = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (options: SqliteOptions) => {
    ledger = await SqliteLedger.open(path, options);
    return ledger;
  };

  const background: SqliteOptions = {
    backgroundCheckpoints: { everyMs: 10, onError: (message) => errors.push(message) },
  };

  /** Writes CLAIMS small transactions: far fewer WAL pages than SQLite's own threshold (1,000). */
  async function claim(into: SqliteLedger): Promise<void> {
    for (let i = 0; i < CLAIMS; i++) {
      await into.claimDelivery({ id: `delivery-${i}`, repo: 'acme/shop', event: 'deployment_status', at: i });
    }
  }

  it("copies the WAL's commits into the database file without a commit of the process waiting for it", async () => {
    await claim(await open(background));
    const inFile = await untilInFileAlone(path, 'bot_deliveries', CLAIMS);
    expect(inFile).toBe(CLAIMS);
    expect(errors).toEqual([]);
  });

  it("starts the log over while commits keep coming, long before SQLite's threshold", async () => {
    // Commits with a pause after each, longer every 200 commits (1, 2, 4, 8 ms): however long a
    // disk sync takes here, some pause outlasts a checkpoint of the frames before it.
    const into = await open(background);
    await into.claimDelivery({ id: 'first', repo: 'acme/shop', event: 'deployment_status', at: 0 });
    const salt = walSalt(path);
    let commits = 0;
    for (let pause = 1; pause <= 8 && walSalt(path) === salt; pause *= 2) {
      for (let i = 0; i < 200 && walSalt(path) === salt; i++) {
        await into.claimDelivery({
          id: `d-${commits++}`,
          repo: 'acme/shop',
          event: 'deployment_status',
          at: 1,
        });
        await sleep(pause);
      }
    }
    expect(walSalt(path)).not.toBe(salt);
    // At most 800 one-page commits: under a tenth of the pages past which the process's own connection would.
    expect(commits).toBeLessThanOrEqual(800);
    expect(errors).toEqual([]);
  });

  it('without them, commits stay in the WAL until SQLite reaches its threshold', async () => {
    await claim(await open({}));
    expect(rowsInFileAlone(path, 'bot_deliveries')).toBe(0);
  });

  it("stops the thread on close: the last connection's close removes the WAL", async () => {
    await claim(await open(background));
    await ledger?.close();
    ledger = undefined;
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(rowsInFileAlone(path, 'bot_deliveries')).toBe(CLAIMS);
  });

  it('checkpoints and closes in a process run as a module, with nothing else to wait for', () => {
    // The thread never keeps a process alive; its close must, or such a process exits mid-close.
    const sqlite = pathToFileURL(join(import.meta.dirname, '../../src/ledger/sqlite.ts')).href;
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { SqliteLedger } from ${JSON.stringify(sqlite)};
         const ledger = await SqliteLedger.open(process.argv[1], {
           backgroundCheckpoints: { everyMs: 10, onError: (m) => process.stderr.write(m) },
         });
         await ledger.claimDelivery({ id: 'd-1', repo: 'acme/shop', event: 'deployment_status', at: 1 });
         await ledger.close();
         process.stdout.write('closed');`,
        path,
      ],
      { encoding: 'utf8' },
    );
    expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({
      status: 0,
      stdout: 'closed',
      stderr: '',
    });
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
