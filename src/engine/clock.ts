import type { Clock } from './ports.ts';

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => wallSleep(ms, signal, true),
};

/** Wall-clock time with timers that do not keep the process alive: for redraws, never for work. */
export const backgroundClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => wallSleep(ms, signal, false),
};

function wallSleep(ms: number, signal: AbortSignal | undefined, keepAlive: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (!keepAlive) timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}
