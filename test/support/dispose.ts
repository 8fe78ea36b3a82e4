import { afterEach } from 'vitest';

/**
 * What a test file's tests set up and must take down (a project directory, a ledger, a process):
 * each is handed to the function this returns, and after each test all are taken down, the last
 * handed first. Call it once at the file's top level.
 */
export function disposedAfterEach(): (dispose: () => Promise<void> | void) => void {
  let disposers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    const taken = disposers.reverse();
    disposers = [];
    for (const dispose of taken) await dispose();
  });
  return (dispose) => {
    disposers.push(dispose);
  };
}
