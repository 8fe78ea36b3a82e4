import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeoutFor } from '../support/measured-work.ts';

const DEMO = fileURLToPath(new URL('../../examples/local-fleet/demo.ts', import.meta.url));
/**
 * What a whole demo run waits for: about fifty Node processes (the CLI six times, the latency check
 * once per app target per check round of the two deploys) and about half a minute of bakes and
 * deploy-script sleeps.
 */
const DEMO_TIMEOUT_MS = timeoutFor({ nodes: 50, waitsMs: 30_000 });
/** The ports of the fleet's ten targets (examples/local-fleet/tranche.yml). */
const PORTS = Array.from({ length: 10 }, (_, i) => 17101 + i);

/** Each run gets a temp dir of its own as TMPDIR, so what the demo leaves there is its own. */
let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'tranche-demo-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** Run the demo to its end; onOutput sees the output so far and may signal the demo. */
function runDemo(
  onOutput: (output: string, child: ChildProcess) => void = () => undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], {
      env: { ...process.env, CI: 'true', TMPDIR: temp, DEMO_LEDGER: join(temp, 'demo-ledger.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput(output, child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    // 'close' waits for every process holding the demo's stdout: the CLI it started, too.
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(false) : reject(error),
    );
  });
}

async function expectCleanedUp(): Promise<void> {
  expect(readdirSync(temp).filter((name) => name.startsWith('tranche-demo-'))).toEqual([]);
  expect(await Promise.all(PORTS.map(listening))).toEqual(PORTS.map(() => false));
}

describe('the demo the README starts with (examples/local-fleet)', () => {
  describe('run to its end', () => {
    it('rolls out a good version, catches the bad one in batch 2, rolls it back and cleans up', {
      timeout: DEMO_TIMEOUT_MS,
    }, async () => {
      const { code, output } = await runDemo();
      expect(code, output).toBe(0);
      expect(output).toMatch(/demo-shop 1\.0\.1 → demo: succeeded/);
      expect(output).toMatch(
        /app batch 2\/4 FAILED \(check_failed\) after [\d.]+ s: check latency on app-2: value [\d.]+ is greater than max 100/,
      );
      expect(output).toMatch(/demo-shop 1\.0\.2 → demo: rolled back \(check_failed\)/);
      expect(output).toMatch(
        /CRITICAL: latency on app-2 \(\d+\.\d\d ms\) is greater than maximum allowed \(100\.00 ms\)/,
      );
      expect(output).toContain('Demo done');
      await expectCleanedUp();
    });
  });

  describe('stopped by SIGTERM during a deploy', () => {
    it('passes the signal to the CLI, which cancels the deploy, and cleans up', {
      timeout: DEMO_TIMEOUT_MS,
    }, async () => {
      let signalled = false;
      const { code, output } = await runDemo((sofar, child) => {
        if (signalled || !/app batch 1\/4 started/.test(sofar)) return;
        signalled = true;
        child.kill('SIGTERM');
      });
      expect(signalled, output).toBe(true);
      expect(code, output).toBe(1);
      expect(output).toContain('received SIGTERM: stopping');
      expect(output).toMatch(/demo-shop 1\.0\.1 → demo: cancelled/);
      expect(output).toContain('demo stopped by SIGTERM: cleaning up');
      await expectCleanedUp();
    });
  });
});
