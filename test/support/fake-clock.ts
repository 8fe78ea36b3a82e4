import type { Clock } from '../../src/engine/ports.ts';

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told. In `auto` mode every sleep advances time at once, so a
 * long rollout runs in milliseconds; otherwise `advance()` drives it tick by tick.
 */
export class FakeClock implements Clock {
  private time: number;
  private readonly timers: Timer[] = [];
  private readonly auto: boolean;

  constructor(options: { start?: number; auto?: boolean } = {}) {
    this.time = options.start ?? Date.UTC(2026, 10, 22, 12, 0, 0);
    this.auto = options.auto ?? true;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (this.auto) {
      this.time += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer: Timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          // A timer that already fired is gone: splice(-1) would drop another one.
          const index = this.timers.indexOf(timer);
          if (index >= 0) this.timers.splice(index, 1);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Number of sleeps waiting for time to pass. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move time forward, waking every sleep that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.time = until;
  }

  /** Advance by elapsed milliseconds of work (a fake command's duration). */
  tick(ms: number): void {
    this.time += ms;
  }
}
