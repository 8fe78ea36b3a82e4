/** The ledger backends a test can run against, each as a way to get a new, empty ledger location. */
import { join } from 'node:path';
import { openLedger } from '../../src/ledger/open.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { freshLedgerUrl, postgresAvailable } from './postgres.ts';

export interface LedgerBackend {
  name: string;
  /** No PostgreSQL outside CI: the suite is skipped (the global setup said why). */
  skip: boolean;
  /** A new ledger: a file under `dir`, or a fresh schema on the test cluster. */
  location(dir: string, name?: string): Promise<string>;
}

export const LEDGER_BACKENDS: LedgerBackend[] = [
  { name: 'SQLite', skip: false, location: async (dir, name = 'ledger') => join(dir, `${name}.db`) },
  { name: 'PostgreSQL', skip: !postgresAvailable, location: () => freshLedgerUrl() },
];

/** Opens the ledger at `location` (file path or URL), runs `use` on it and closes it. */
export async function withLedgerAt<T>(location: string, use: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(location, '/');
  try {
    return await use(ledger);
  } finally {
    await ledger.close();
  }
}
