import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followRun, GAP_WAIT_MS, SeqCursor } from '../../src/cli/follow.ts';
import type { DeployEvent } from '../../src/engine/ports.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function event(
  seq: number,
  kind: DeployEvent['kind'] = 'check',
  data?: Record<string, unknown>,
): DeployEvent {
  return {
    runId: 'r1',
    seq,
    at: T0 + seq,
    kind,
    status: 'ok',
    service: 'api',
    environment: 'prod',
    version: '1',
    data,
  };
}

const seqs = (events: DeployEvent[]) => events.map((e) => e.seq);

describe('SeqCursor', () => {
  it('passes events on in seq order and remembers the last', () => {
    const cursor = new SeqCursor();
    expect(seqs(cursor.take([event(1), event(2)], T0))).toEqual([1, 2]);
    expect(cursor.last).toBe(2);
    expect(seqs(cursor.take([event(3)], T0))).toEqual([3]);
  });

  it('skips events it has passed on already', () => {
    const cursor = new SeqCursor();
    cursor.take([event(1), event(2)], T0);
    expect(seqs(cursor.take([event(2), event(3)], T0))).toEqual([3]);
  });

  describe('when a seq is missing', () => {
    it('holds back the events after it', () => {
      const cursor = new SeqCursor();
      expect(seqs(cursor.take([event(1), event(3), event(4)], T0))).toEqual([1]);
      expect(cursor.last).toBe(1);
    });

    it('passes them on once the missing one arrives', () => {
      const cursor = new SeqCursor();
      cursor.take([event(1), event(3)], T0);
      expect(seqs(cursor.take([event(2), event(3)], T0 + 100))).toEqual([2, 3]);
    });

    it(`gives up on it after ${GAP_WAIT_MS} ms`, () => {
      const cursor = new SeqCursor();
      cursor.take([event(1), event(3)], T0);
      expect(seqs(cursor.take([event(3)], T0 + GAP_WAIT_MS - 1))).toEqual([]);
      expect(seqs(cursor.take([event(3), event(4)], T0 + GAP_WAIT_MS))).toEqual([3, 4]);
    });

    it('gives up on it at once when run_finished is there: nothing more is coming', () => {
      const cursor = new SeqCursor();
      expect(seqs(cursor.take([event(1), event(3), event(4, 'run_finished')], T0))).toEqual([1, 3, 4]);
    });
  });
});

describe('followRun', () => {
  let ledger: SqliteLedger;
  let clock: FakeClock;
  const seen: DeployEvent[] = [];

  beforeEach(async () => {
    ledger = await SqliteLedger.open(':memory:');
    clock = new FakeClock({ start: T0, auto: false });
    seen.length = 0;
  });

  afterEach(async () => {
    await ledger.close();
  });

  /** Lets the follower run until it sleeps for its next poll. */
  async function untilPolling(): Promise<void> {
    while (clock.pending === 0) await new Promise((resolve) => setImmediate(resolve));
  }

  const follow = (signal?: AbortSignal) =>
    followRun(ledger, 'r1', { event: (e) => void seen.push(e) }, { clock, pollMs: 1000, signal });

  it('shows events recorded while it waits, and returns the decision at run_finished', async () => {
    await ledger.record(event(1, 'run_started'));
    const following = follow();
    await untilPolling();
    expect(seqs(seen)).toEqual([1]);
    await ledger.record(event(2));
    await ledger.record(event(3, 'run_finished', { decision: 'rolled_back' }));
    await clock.advance(1000);
    expect(await following).toEqual({ decision: 'rolled_back', finished: true });
    expect(seqs(seen)).toEqual([1, 2, 3]);
  });

  it("ignores other runs' events", async () => {
    await ledger.record({ ...event(1), runId: 'other' });
    await ledger.record(event(1, 'run_finished', { decision: 'succeeded' }));
    expect(await follow()).toEqual({ decision: 'succeeded', finished: true });
    expect(seen.map((e) => e.runId)).toEqual(['r1']);
  });

  it('stops without a decision when the signal aborts', async () => {
    await ledger.record(event(1, 'run_started'));
    const controller = new AbortController();
    const following = follow(controller.signal);
    await untilPolling();
    controller.abort();
    expect(await following).toEqual({ decision: null, finished: false });
  });
});
