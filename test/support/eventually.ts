import { setTimeout as sleep } from 'node:timers/promises';
import { allowFor } from './measured-work.ts';

/**
 * How long another process may take to do what a test waits for: start (a CLI process loads more
 * than the ledger) and write to the ledger, on this machine now; never less than 20 s.
 */
const PATIENCE_MS = Math.max(20_000, allowFor({ nodes: 4 }));

/** Polls `probe` until it gives a value (for what another process does); fails after PATIENCE_MS naming `what`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
