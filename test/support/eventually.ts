import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it gives a value (for what another process does); fails after 20 s naming `what`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
