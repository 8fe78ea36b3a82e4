import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../../examples/local-fleet/demo.ts', import.meta.url));

function runDemo(): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('the README demo (examples/local-fleet)', () => {
  it('rolls out a good version, catches the bad one in batch 2, rolls it back and cleans up', async () => {
    const { code, output } = await runDemo();
    expect(code, output).toBe(0);
    expect(output).toMatch(/demo-shop 1\.0\.1 → demo: succeeded/);
    expect(output).toMatch(/demo-shop 1\.0\.2 → demo: rolled back \(check_failed\)/);
    expect(output).toMatch(
      /CRITICAL: latency on app-2 \(\d+\.\d\d ms\) is greater than maximum allowed \(150\.00 ms\)/,
    );
    expect(output).toContain('Demo done');
  }, 120_000);
});
