import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_PATH, openLedger } from '../../src/ledger/open.ts';

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
    for (const url of ['postgres://deploy:s3cret@db/tranche', 'postgresql://db/tranche', 'POSTGRES://db/x']) {
      it(`refuses ${url.split('://')[0]}:// as not available yet, without echoing the URL`, async () => {
        const opening = openLedger(url, cwd);
        await expect(opening).rejects.toThrow(/PostgreSQL ledger backend is not available yet/);
        await expect(opening).rejects.not.toThrow(/s3cret|db\//);
      });
    }
  });

  it('refuses an empty location', async () => {
    await expect(openLedger('  ', cwd)).rejects.toThrow(/empty/);
  });
});
