import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reporter } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { NOTICE_KINDS } from '../../src/notify/kinds.ts';
import { type Channel, Notifier } from '../../src/notify/notifier.ts';
import { RunNoticeReporter } from '../../src/notify/run-notices.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  component,
  RecordingReporter,
  release,
  ScriptedChecker,
  ScriptedExecutor,
} from '../support/fakes.ts';
import { type Answer, WebhookReceiver } from '../support/webhook-receiver.ts';

const TIMEOUT_MS = 10_000;

let ledger: SqliteLedger;
let receivers: WebhookReceiver[] = [];
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(answer: () => Answer) {
  const started = await WebhookReceiver.start(answer);
  receivers.push(started);
  return started;
}

function channel(url: string): Channel {
  return {
    environment: 'production',
    kind: 'slack',
    urlEnv: 'SLACK_DEPLOY_WEBHOOK',
    url,
    events: new Set(NOTICE_KINDS),
    timeoutMs: TIMEOUT_MS,
  };
}

/**
 * A rollout of 4 targets (batches 1, 2, 1) on the engine's own fake clock (time jumps), whose
 * second batch fails: notices run_started, batch_failed, rolled_back. The notifier has its
 * own clock, moved only by the test, so a delivery's time limit runs out only when told.
 */
async function rollOut(url: string) {
  const engineClock = new FakeClock();
  const notifyClock = new FakeClock({ auto: false });
  const lines: string[] = [];
  const notifier = new Notifier([channel(url)], {
    clock: notifyClock,
    log: { info: (m) => lines.push(m), warning: (m) => lines.push(m) },
    backoffMs: 1000,
  });
  const progress = new RecordingReporter();
  const notices = new RunNoticeReporter(notifier, {
    who: 'octocat',
    links: [{ rel: 'check_run', title: 'Check run', url: 'https://github.com/acme/shop/runs/1' }],
  });
  const reporter: Reporter = {
    event(event) {
      progress.event(event);
      notices.event(event);
    },
  };
  const ports = {
    executor: new ScriptedExecutor(engineClock, (call) => ({ exitCode: call.target === 'app-3' ? 1 : 0 })),
    checker: new ScriptedChecker(engineClock),
    ledger,
    reporter,
    clock: engineClock,
  };
  const result = await runRelease(release({ components: [component({ name: 'app', targets: 4 })] }), ports, {
    previousVersion: '2.14.6',
  });
  return { result, notifier, notifyClock, lines, progress };
}

describe('notifications while a deploy runs', () => {
  it('tells the run’s start, the failed batch and the rollback, with the version, commit, who and links', async () => {
    const hook = await receiver(() => ({ status: 200 }));
    const { result, notifier } = await rollOut(hook.url('/services/ok'));
    await notifier.drain();
    expect(result.decision).toBe('rolled_back');
    const titles = hook.bodies().map((b) => (b.blocks as { text?: { text: string } }[])[0]?.text?.text);
    expect(titles).toEqual([
      '🚀 deploying metrics-store 2.14.7 in production',
      '⚠️ metrics-store 2.14.7: app batch 2 failed in production',
      '↩️ metrics-store 2.14.7 rolled back in production',
    ]);
    for (const body of hook.bodies()) {
      expect(body.text).toContain('Check run: https://github.com/acme/shop/runs/1');
      expect(JSON.stringify(body.blocks)).toContain('*Commit*\\nabc123');
      expect(JSON.stringify(body.blocks)).toContain('*By*\\noctocat');
      expect(JSON.stringify(body.blocks)).toContain('*Version*\\n2.14.7');
    }
  });

  it('a receiver that hangs: the rollout ends while its requests are open; each gives up at its time limit', async () => {
    const hook = await receiver(() => 'hang');
    const { result, notifier, notifyClock, lines, progress } = await rollOut(hook.url('/services/hangs'));
    // The run ended (rolled back, run_finished reported) with every delivery still waiting on the receiver.
    expect(result.decision).toBe('rolled_back');
    expect(progress.kinds().at(-1)).toBe('run_finished:failed');
    expect(notifier.inFlight).toBe(3);
    expect(lines).toEqual([]);
    await eventually(async () => (hook.requests.length === 3 ? true : undefined), 'three open requests');
    // At the end of the process: at most the time limit more, by the notifier's clock.
    const drained = notifier.drain();
    await notifyClock.advance(TIMEOUT_MS);
    await drained;
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/: failed after 1 attempt: timed out after 10 s$/);
  });

  it('a receiver that answers 500: retried in the background, the rollout does not wait, and it gives up in time', async () => {
    const hook = await receiver(() => ({ status: 500 }));
    const { result, notifier, notifyClock, lines } = await rollOut(hook.url('/services/broken'));
    expect(result.decision).toBe('rolled_back');
    expect(notifier.inFlight).toBe(3);
    const drained = notifier.drain();
    // Backoff waits of 0.5–1 s, 1–2 s, 2–4 s, 4–8 s: a 10 s limit leaves room for 4 or 5 attempts.
    await eventually(async () => (notifyClock.pending === 6 ? true : undefined), 'the first retry waits');
    await notifyClock.advance(TIMEOUT_MS);
    await drained;
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatch(
        /^notification \w+ to slack \(SLACK_DEPLOY_WEBHOOK\): failed after [2-5] attempts: HTTP 500; (timed out after 10 s|no time left for another attempt within 10 s)$/,
      );
      expect(line).not.toContain('/services/broken');
    }
  });
});
