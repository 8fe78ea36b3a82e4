/** The bot's own redelivery, over a SQLite ledger file and a clock the test moves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REDELIVERY_AFTER_MS, type RedeliveryOptions, redeliveries } from '../../bot/http/redeliveries.ts';
import type { RedeliveryLedger } from '../../src/ledger/redelivery-types.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { useBot } from './harness/bot-test.ts';
import { contentsPath } from './harness/github-mock.ts';
import { FULL_NAME, statusPayload } from './harness/payloads.ts';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

const event = (id: string, payload: unknown = { action: 'created', deployment: { id: 7 } }) =>
  ({ id, name: 'deployment_status', payload }) as unknown as EmitterWebhookEvent;

describe("the bot's own redelivery of webhooks whose handlers failed", () => {
  let dir: string;
  let ledgers: SqliteLedger[];
  let now: number;
  /** What the handlers were handed, as `id` (and the payload, by id). */
  let received: string[];
  let payloads: Map<string, unknown>;
  let logs: string[];
  /** How the next tries end, first first; a try beyond them succeeds. */
  let outcomes: ('fail' | 'ok')[];
  const log = {
    info: (m: string) => logs.push(`info: ${m}`),
    warn: (m: string) => logs.push(`warn: ${m}`),
    error: (m: string) => logs.push(`error: ${m}`),
  };

  /**
   * A bot process's redelivery over the ledger file (a process of its own: its own handle), the
   * handle changed by `faults` when given.
   */
  const botProcess = async (
    holder: string,
    options: RedeliveryOptions = {},
    faults: (ledger: RedeliveryLedger) => Partial<RedeliveryLedger> = () => ({}),
  ) => {
    const opened = await SqliteLedger.open(join(dir, 'ledger.db'));
    ledgers.push(opened);
    const ledger: RedeliveryLedger = {
      keepRedelivery: (r, limit) => opened.keepRedelivery(r, limit),
      claimRedelivery: (h, lease, at) => opened.claimRedelivery(h, lease, at),
      retryRedelivery: (id, h, due) => opened.retryRedelivery(id, h, due),
      dropRedelivery: (id, h) => opened.dropRedelivery(id, h),
    };
    Object.assign(ledger, faults({ ...ledger }));
    const receive = async (e: EmitterWebhookEvent) => {
      received.push(e.id);
      payloads.set(e.id, e.payload);
      if (outcomes.shift() === 'fail') throw new Error('GitHub is down');
    };
    return redeliveries({ ledger, receive, log, now: () => now, holder }, options);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tranche-redeliveries-'));
    ledgers = [];
    now = T0;
    received = [];
    payloads = new Map();
    logs = [];
    outcomes = [];
  });

  afterEach(async () => {
    for (const ledger of ledgers) await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('receives the event again 1, 5 and 15 minutes after each failure while it fails, then leaves it', async () => {
    const again = await botProcess('bot-1');
    outcomes = ['fail', 'fail', 'fail'];
    await again.failed(event('d-1'));
    const at: number[] = [];
    for (const wait of REDELIVERY_AFTER_MS) {
      now += wait - 1;
      await again.due();
      expect(received).toHaveLength(at.length);
      now += 1;
      await again.due();
      at.push(now - T0);
      expect(received).toHaveLength(at.length);
    }
    expect(at).toEqual([60_000, 360_000, 1_260_000]);
    now += 24 * 3_600_000;
    await again.due();
    expect(received).toEqual(['d-1', 'd-1', 'd-1']);
    expect(logs).toEqual([
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 60 s',
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 300 s',
      'info: webhook deployment_status (delivery d-1): its handlers failed; trying again in 900 s',
      "error: webhook deployment_status (delivery d-1): its handlers failed 4 times; not tried again (redeliver it from the app's settings)",
    ]);
  });

  it('hands the handlers the event as GitHub sent it, and stops trying once they succeed', async () => {
    const again = await botProcess('bot-1');
    const payload = { action: 'created', deployment: { id: 7, environment: 'prödüction' }, n: [1, null] };
    outcomes = ['fail', 'ok'];
    await again.failed(event('d-2', payload));
    now += 24 * 3_600_000;
    await again.due();
    await again.due();
    now += 24 * 3_600_000;
    await again.due();
    expect(received).toEqual(['d-2', 'd-2']);
    expect(payloads.get('d-2')).toEqual(payload);
    expect(logs.at(-1)).toBe('info: webhook deployment_status (delivery d-2): handled at try 3');
  });

  it('outlives the process: the next one receives what the last one kept, once', async () => {
    const first = await botProcess('bot-1');
    await first.failed(event('d-3'));
    first.stop();
    await ledgers[0]?.close();
    ledgers.shift();
    const next = await botProcess('bot-2');
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    await next.due();
    await next.due();
    expect(received).toEqual(['d-3']);
    expect(logs.at(-1)).toBe('info: webhook deployment_status (delivery d-3): handled at try 2');
  });

  it('lets two processes sharing the ledger receive each kept event once', async () => {
    const one = await botProcess('bot-1');
    const two = await botProcess('bot-2');
    for (const id of ['d-a', 'd-b', 'd-c', 'd-d']) await one.failed(event(id));
    now += 24 * 3_600_000;
    await Promise.all([one.due(), two.due()]);
    expect([...received].sort()).toEqual(['d-a', 'd-b', 'd-c', 'd-d']);
  });

  it('takes over one whose process died holding it, once its lease has run out, the try counted', async () => {
    const dying = await botProcess('bot-1', { leaseMs: 60_000 });
    await dying.failed(event('d-4'));
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    // It took the event for try 2 and died before the handlers were done.
    await ledgers[0]?.claimRedelivery('bot-1', 60_000, now);
    const next = await botProcess('bot-2');
    await next.due();
    expect(received).toEqual([]);
    now += 60_000;
    await next.due();
    expect(received).toEqual(['d-4']);
    expect(logs.at(-1)).toBe('info: webhook deployment_status (delivery d-4): handled at try 3');
  });

  it('leaves, unreceived, one whose every try died with its process', async () => {
    const first = await botProcess('bot-1');
    await first.failed(event('d-8'));
    // Tries 2, 3 and 4 taken by processes that died.
    for (let i = 0; i < REDELIVERY_AFTER_MS.length; i++) {
      now += 24 * 3_600_000;
      expect(await ledgers[0]?.claimRedelivery(`dead-${i}`, 1_000, now)).not.toBeNull();
    }
    now += 24 * 3_600_000;
    await first.due();
    expect(received).toEqual([]);
    expect(logs.at(-1)).toBe(
      "error: webhook deployment_status (delivery d-8): its handlers failed 4 times; not tried again (redeliver it from the app's settings)",
    );
    expect(await ledgers[0]?.claimRedelivery('someone', 1_000, now + 24 * 3_600_000)).toBeNull();
  });

  it('waits in the process when the ledger cannot keep it, and tries again as long', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const again = await botProcess('bot-1', {}, () => ({
        keepRedelivery: () => Promise.reject(new Error('the database is restarting')),
      }));
      outcomes = ['fail'];
      await again.failed(event('d-9'));
      expect(logs.at(-1)).toBe(
        'warn: webhook deployment_status (delivery d-9): its handlers failed, and the ledger could not keep it (the database is restarting); trying again in 60 s from this process',
      );
      await vi.advanceTimersByTimeAsync((REDELIVERY_AFTER_MS[0] ?? 0) - 1);
      expect(received).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(received).toEqual(['d-9']);
      await vi.advanceTimersByTimeAsync(REDELIVERY_AFTER_MS[1] ?? 0);
      expect(received).toEqual(['d-9', 'd-9']);
      expect(logs.at(-1)).toBe('info: webhook deployment_status (delivery d-9): handled at try 3');
    } finally {
      vi.useRealTimers();
    }
  });

  it('goes on to the next due one when the ledger fails after a try, and that try is taken again later', async () => {
    let failing = true;
    const again = await botProcess('bot-1', { leaseMs: 60_000 }, (ledger) => ({
      dropRedelivery: (id, holder) =>
        failing && id === 'd-a'
          ? Promise.reject(new Error('disk I/O error'))
          : ledger.dropRedelivery(id, holder),
    }));
    await again.failed(event('d-a'));
    now += 1;
    await again.failed(event('d-b'));
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    await again.due();
    expect(received).toEqual(['d-a', 'd-b']);
    expect(logs).toContain(
      'warn: webhook deployment_status (delivery d-a): its try 2 did not end: disk I/O error',
    );
    failing = false;
    now += 60_000;
    await again.due();
    expect(received).toEqual(['d-a', 'd-b', 'd-a']);
  });

  it('keeps at most so many waiting, and no body over the bound; those are left to GitHub, with a warning', async () => {
    const again = await botProcess('bot-1', { maxPending: 2, maxBytes: 100 });
    for (const id of ['d-a', 'd-b', 'd-c']) await again.failed(event(id));
    expect(logs.at(-1)).toBe(
      'warn: webhook deployment_status (delivery d-c): its handlers failed; 2 webhooks already wait to be tried again, so not this one',
    );
    await again.failed(event('d-big', { text: 'x'.repeat(100) }));
    expect(logs.at(-1)).toBe(
      'warn: webhook deployment_status (delivery d-big): its handlers failed; its body is over 100 bytes, too large to keep for another try',
    );
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    await again.due();
    expect(received).toEqual(['d-a', 'd-b']);
    // Those two were handled: room again.
    await again.failed(event('d-c'));
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    await again.due();
    expect(received).toEqual(['d-a', 'd-b', 'd-c']);
  });

  it('keeps an event once when GitHub delivers it again and its handlers fail again', async () => {
    const again = await botProcess('bot-1');
    await again.failed(event('d-5'));
    now += 30_000;
    await again.failed(event('d-5'));
    now += REDELIVERY_AFTER_MS[0] ?? 0;
    await again.due();
    expect(received).toEqual(['d-5']);
  });

  it('keeps and receives nothing after stop(); what was kept waits in the ledger', async () => {
    const again = await botProcess('bot-1');
    await again.failed(event('d-6'));
    again.stop();
    await again.failed(event('d-7'));
    now += 24 * 3_600_000;
    await again.due();
    expect(received).toEqual([]);
    expect((await ledgers[0]?.claimRedelivery('someone', 1_000, now))?.deliveryId).toBe('d-6');
    expect(await ledgers[0]?.claimRedelivery('someone', 1_000, now)).toBeNull();
  });
});

describe("the bot's timer handing a failed webhook to its handlers again, after a restart", () => {
  const t = useBot({ ledgerFile: true });

  it('records the deployment status GitHub failed the first time, once the next process finds it due', async () => {
    // The test bots' Octokit does not retry: one 502 fails the handler.
    t.github.token();
    t.github.scope.get(`/repos/${FULL_NAME}/contents/${contentsPath('.github/tranche.yml')}`).reply(502, {
      message: 'Bad Gateway',
    });
    const status = statusPayload({ deploymentId: 8001, state: 'success', version: '5', requestedBy: 'ci' });
    const delivery = await t.server.deliver('deployment_status', status);
    expect(delivery.status).toBe(500);
    t.github.done();
    expect(await t.ledger.releases({ repo: FULL_NAME })).toEqual([]);

    await t.restart();
    t.github.token().config();
    await t.sweep();
    // Not due yet.
    expect(await t.ledger.releases({ repo: FULL_NAME })).toEqual([]);
    t.clock.now += REDELIVERY_AFTER_MS[0] ?? 0;
    await t.sweep();
    t.github.done();
    expect(await t.ledger.releases({ repo: FULL_NAME })).toEqual([
      expect.objectContaining({ deploymentId: 8001, version: '5', state: 'success' }),
    ]);
    expect(await t.ledger.outcomes({ service: 'shop', versions: ['5'] })).toHaveLength(1);
    expect(t.server.logs).toContain(`webhook deployment_status (delivery ${delivery.id}): handled at try 2`);
  });
});
