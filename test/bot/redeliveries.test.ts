import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REDELIVERY_AFTER_MS, redeliveries } from '../../bot/http/redeliveries.ts';

const event = (id: string) =>
  ({ id, name: 'deployment_status', payload: {} }) as unknown as EmitterWebhookEvent;

describe("the bot's own redelivery of webhooks whose handlers failed", () => {
  let received: string[];
  let logs: string[];
  /** How the next tries end, first first; a try beyond them succeeds. */
  let outcomes: ('fail' | 'ok')[];
  const log = {
    info: (m: string) => logs.push(`info: ${m}`),
    warn: (m: string) => logs.push(`warn: ${m}`),
    error: (m: string) => logs.push(`error: ${m}`),
  };
  const receive = async (e: EmitterWebhookEvent) => {
    received.push(e.id);
    if (outcomes.shift() === 'fail') throw new Error('GitHub is down');
  };

  beforeEach(() => {
    vi.useFakeTimers();
    received = [];
    logs = [];
    outcomes = [];
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('receives the event again after 1, 5 and 15 minutes while it fails, then leaves it', async () => {
    const again = redeliveries(receive, log);
    outcomes = ['fail', 'fail', 'fail'];
    again.failed(event('d-1'));
    const at: number[] = [];
    const start = Date.now();
    for (const wait of REDELIVERY_AFTER_MS) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(received).toHaveLength(at.length);
      await vi.advanceTimersByTimeAsync(1);
      at.push(Date.now() - start);
      expect(received).toHaveLength(at.length);
    }
    expect(at).toEqual([60_000, 360_000, 1_260_000]);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(received).toEqual(['d-1', 'd-1', 'd-1']);
    expect(logs).toEqual([
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 60 s',
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 300 s',
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 900 s',
      "error: webhook deployment_status (delivery d-1): its handlers failed 4 times; not tried again (redeliver it from the app's settings)",
    ]);
  });

  it('stops trying once the handlers succeed', async () => {
    const again = redeliveries(receive, log);
    outcomes = ['fail', 'ok'];
    again.failed(event('d-2'));
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(received).toEqual(['d-2', 'd-2']);
    expect(logs.at(-1)).toBe('info: webhook deployment_status (delivery d-2): handled at try 3');
  });

  it('keeps at most so many waiting; the rest are left to GitHub, with a warning', async () => {
    const again = redeliveries(receive, log, { afterMs: [1_000], maxPending: 2 });
    for (const id of ['d-a', 'd-b', 'd-c']) again.failed(event(id));
    expect(logs.at(-1)).toBe(
      'warn: webhook deployment_status (delivery d-c): its handlers failed; 2 webhooks already wait to be tried again, so not this one',
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(received).toEqual(['d-a', 'd-b']);
    // Those two were handled: room again.
    again.failed(event('d-c'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(received).toEqual(['d-a', 'd-b', 'd-c']);
  });

  it('receives nothing after stop(), not even what waited', async () => {
    const again = redeliveries(receive, log);
    again.failed(event('d-3'));
    again.stop();
    again.failed(event('d-4'));
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(received).toEqual([]);
  });
});
