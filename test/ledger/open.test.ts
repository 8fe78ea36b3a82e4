import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseLedgerLocation,
  DEFAULT_LEDGER_PATH,
  LedgerLocationError,
  ledgerLocation,
  openLedger,
} from '../../src/ledger/open.ts';

describe('openLedger', () => {
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'tranche-open-'));
  });

  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('opens .tranche/ledger.db under cwd when no location is given', async () => {
    const ledger = await openLedger(undefined, cwd);
    await ledger.close();
    expect(DEFAULT_LEDGER_PATH).toBe('.tranche/ledger.db');
    expect(existsSync(join(cwd, '.tranche', 'ledger.db'))).toBe(true);
  });

  it('resolves a relative file path against cwd', async () => {
    const ledger = await openLedger('data/deploys.db', cwd);
    await ledger.close();
    expect(existsSync(join(cwd, 'data', 'deploys.db'))).toBe(true);
  });

  it('opens an absolute file path as given', async () => {
    const elsewhere = join(cwd, 'abs', 'ledger.db');
    const ledger = await openLedger(elsewhere, join(cwd, 'unrelated'));
    await ledger.close();
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('opens a throwaway in-memory ledger for :memory:', async () => {
    const ledger = await openLedger(':memory:', cwd);
    expect((await ledger.nextVersion('api', null, '{n}', 0)).n).toBe(1);
    await ledger.close();
    expect(existsSync(join(cwd, ':memory:'))).toBe(false);
  });

  describe('PostgreSQL URLs', () => {
    it('names the server it could not reach, with the password masked', async () => {
      const opening = openLedger('postgres://deploy:s3cret@127.0.0.1:1/tranche', cwd);
      await expect(opening).rejects.toThrow(
        /could not open the ledger postgres:\/\/deploy:\*\*\*@127\.0\.0\.1:1\/tranche: .*ECONNREFUSED/,
      );
      await expect(opening).rejects.not.toThrow(/s3cret/);
    });

    it('masks a password given as a URL parameter', async () => {
      const opening = openLedger('postgresql://deploy@127.0.0.1:1/tranche?password=s3cret', cwd);
      await expect(opening).rejects.toThrow(/password=\*\*\*/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
    });

    it('refuses a schema name that is not a plain identifier, before connecting', async () => {
      const opening = openLedger('POSTGRES://u:s3cret@127.0.0.1:1/db?schema=a;drop', cwd);
      await expect(opening).rejects.toThrow(/names schema "a;drop": use lower-case letters/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
    });

    it('refuses a URL it cannot parse without echoing it', async () => {
      const opening = openLedger('postgres://u:s3cret@[bad/db', cwd);
      await expect(opening).rejects.toThrow(/is not a valid URL/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
    });
  });

  it('refuses an empty location', async () => {
    await expect(openLedger('  ', cwd)).rejects.toThrow(/empty/);
  });

  describe('a location that names no ledger it can open', () => {
    it('refuses a URL of another scheme by its scheme, creating nothing and echoing no password', async () => {
      const opening = openLedger('mysql://app:s3cret@db/app', cwd);
      await expect(opening).rejects.toThrow(LedgerLocationError);
      await expect(opening).rejects.toThrow(/a mysql:\/\/ URL is not a ledger Tranche can open/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
      expect(readdirSync(cwd)).toEqual([]);
    });

    it('refuses `github`, which only deploy --github and the Action use, creating no file', async () => {
      const opening = openLedger('github', cwd);
      await expect(opening).rejects.toThrow(LedgerLocationError);
      await expect(opening).rejects.toThrow(/only `tranche deploy --github` and the Action use/);
      expect(readdirSync(cwd)).toEqual([]);
    });

    it('refuses an empty file, naming it, and leaves it empty rather than start a new ledger', async () => {
      const path = join(cwd, 'ledger.db');
      writeFileSync(path, '');
      await expect(openLedger(path, cwd)).rejects.toThrow(
        `could not open the ledger ${path}: the file is empty (0 bytes), not a ledger`,
      );
      expect(statSync(path).size).toBe(0);
      expect(readdirSync(cwd)).toEqual(['ledger.db']);
    });

    it('refuses a file that is not a SQLite database, naming it and leaving it as it was', async () => {
      const path = join(cwd, 'ledger.db');
      writeFileSync(path, 'versions: 12\n');
      await expect(openLedger(path, cwd)).rejects.toThrow(
        `could not open the ledger ${path}: the file is not a SQLite database`,
      );
      expect(readFileSync(path, 'utf8')).toBe('versions: 12\n');
    });

    it.skipIf(process.getuid?.() === 0)('refuses a file it cannot read, naming it', async () => {
      const path = join(cwd, 'ledger.db');
      await (await openLedger(path, cwd)).close();
      chmodSync(path, 0o000);
      await expect(openLedger(path, cwd)).rejects.toThrow(`could not open the ledger ${path}: EACCES`);
    });

    it('names a SQLite file it cannot create', async () => {
      writeFileSync(join(cwd, 'plain-file'), '');
      const path = join(cwd, 'plain-file', 'ledger.db');
      await expect(openLedger(path, cwd)).rejects.toThrow(`could not open the ledger ${path}: `);
    });
  });
});

describe('chooseLedgerLocation', () => {
  it('says which of --ledger, TRANCHE_LEDGER and DATABASE_URL the location came from', () => {
    const url = 'postgres://ci@db/tranche';
    expect(chooseLedgerLocation('f.db', { TRANCHE_LEDGER: 'e.db' })).toEqual({
      location: 'f.db',
      from: '--ledger',
    });
    expect(chooseLedgerLocation(undefined, { TRANCHE_LEDGER: 'e.db', DATABASE_URL: url })).toEqual({
      location: 'e.db',
      from: 'TRANCHE_LEDGER',
    });
    expect(chooseLedgerLocation(undefined, { DATABASE_URL: url })).toEqual({
      location: url,
      from: 'DATABASE_URL',
    });
    expect(chooseLedgerLocation(undefined, {})).toBeUndefined();
  });
});

describe('ledgerLocation', () => {
  const url = 'postgres://ci@db/tranche';

  it('takes the --ledger flag over the environment', () => {
    expect(ledgerLocation('flag.db', { TRANCHE_LEDGER: 'env.db', DATABASE_URL: url })).toBe('flag.db');
  });

  it('takes TRANCHE_LEDGER over DATABASE_URL', () => {
    expect(ledgerLocation(undefined, { TRANCHE_LEDGER: 'env.db', DATABASE_URL: url })).toBe('env.db');
  });

  it('takes DATABASE_URL when it is a PostgreSQL URL', () => {
    expect(ledgerLocation(undefined, { DATABASE_URL: url })).toBe(url);
    expect(ledgerLocation(undefined, { TRANCHE_LEDGER: '', DATABASE_URL: url })).toBe(url);
  });

  it('leaves a DATABASE_URL of another database alone, for the default file', () => {
    expect(ledgerLocation(undefined, { DATABASE_URL: 'mysql://app@db/app' })).toBeUndefined();
    expect(ledgerLocation(undefined, {})).toBeUndefined();
  });
});
