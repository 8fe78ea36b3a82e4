import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { eventually } from './eventually.ts';

/**
 * The rows of `table` that the SQLite database file at `path` holds by itself, without its WAL:
 * what checkpoints have copied into it (read from a copy of the file alone). 0 before the table
 * itself is there.
 */
export function rowsInFileAlone(path: string, table: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-file-alone-'));
  const copy = join(dir, 'copy.db');
  try {
    copyFileSync(path, copy);
    const db = new DatabaseSync(copy);
    try {
      if (!db.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(table)) return 0;
      return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (eventually.ts) until the file alone holds `rows` rows of `table`: what a checkpoint thread copies there. */
export function untilInFileAlone(path: string, table: string, rows: number): Promise<number> {
  return eventually(async () => {
    try {
      const found = rowsInFileAlone(path, table);
      return found >= rows ? found : undefined;
    } catch {
      // A copy torn by a checkpoint writing the file: the next one is whole.
      return undefined;
    }
  }, `${rows} rows of ${table} in ${path} without its WAL`);
}
