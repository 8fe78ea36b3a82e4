import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/engine/result.ts';
import { headline, renderSummary } from '../../src/render/summary.ts';
import { rolledBackResult } from './fixtures.ts';

function succeeded(): DeployResult {
  const result = rolledBackResult();
  return {
    ...result,
    decision: 'succeeded',
    reasonCode: 'all_batches_healthy',
    message: '2.14.7 is live on every target',
    components: [
      {
        name: 'app',
        status: 'succeeded',
        batches: [
          { number: 1, targets: ['app-1'], status: 'succeeded', durationMs: 410 },
          { number: 2, targets: ['app-2', 'app-3'], status: 'succeeded', durationMs: 75_000 },
        ],
      },
    ],
    rolledBack: [],
    checks: [],
  };
}

describe('renderSummary', () => {
  describe('for a rolled-back deploy', () => {
    const text = renderSummary(rolledBackResult());
    const lines = text.split('\n');

    it('starts with the one-line headline', () => {
      expect(lines[0]).toBe('metrics-store 2.14.7 → production: rolled back (check_failed)');
    });

    it('gives previous version, short commit, run, start time and duration on the next line', () => {
      expect(lines[1]).toBe(
        '  previous 2.14.6 · commit 3f9c2ab · run run-20240501-1200 · started 12:00:00 UTC · took 1m 33s',
      );
      expect(lines[2]).toBe('  check health on app-3: p95 412 ms is above 300 ms');
    });

    it('has one table row per component and batch, with count, status and duration', () => {
      const start = lines.indexOf('Batches');
      expect(lines.slice(start + 1, start + 6)).toEqual([
        '  component  batch  targets  status       duration',
        '  app        1/3    1        rolled back  31.2 s',
        '  app        2/3    2        FAILED       24.4 s',
        '  app        3/3    4        not started  -',
        '  ingest     1/1    2        not started  -',
      ]);
    });

    it('lists every rolled-back target with from → to and its status', () => {
      const start = lines.indexOf('Rolled back');
      expect(lines.slice(start + 1, start + 5)).toEqual([
        '  component  target  version          status',
        '  app        app-3   2.14.7 → 2.14.6  rolled back',
        '  app        app-2   2.14.7 → 2.14.6  rolled back',
        '  app        app-1   2.14.7 → 2.14.6  FAILED',
      ]);
    });

    it('charts every check with numeric points and says which have none', () => {
      expect(text).toContain('health: 14 observations');
      expect(text).toContain(' max 300.00 ms');
      expect(text).toContain('free-disk: 4 observations');
      expect(text).toContain('Check smoke\n  no numeric observations');
    });

    it('ends with a verdict per check and the decision', () => {
      expect(lines.slice(-4)).toEqual([
        'Verdict',
        'CRITICAL: health on app-3 (412.00 ms) is greater than maximum allowed (300.00 ms)',
        'OK: free-disk on app-1 (39.80 %) is within limits (min 10.00 %)',
        'ROLLED BACK: check health on app-3: p95 412 ms is above 300 ms',
      ]);
    });

    it('has no colours and no trailing spaces', () => {
      expect(text).not.toContain('\x1b');
      for (const line of lines) expect(line).toBe(line.trimEnd());
    });

    it('matches the reviewed snapshot', async () => {
      await expect(`${text}\n`).toMatchFileSnapshot('__snapshots__/rolled-back-summary.txt');
    });
  });

  describe('for a successful deploy', () => {
    const text = renderSummary(succeeded());

    it('says succeeded in the headline and the closing line', () => {
      expect(headline(succeeded())).toBe(
        'metrics-store 2.14.7 → production: succeeded (all_batches_healthy)',
      );
      expect(text.split('\n').at(-1)).toBe('SUCCEEDED: 2.14.7 is live on every target');
    });

    it('has no rollback section and formats short and long durations', () => {
      expect(text).not.toContain('Rolled back');
      expect(text).toContain('  app        1/2    1        ok      0.41 s');
      expect(text).toContain('  app        2/2    2        ok      1m 15s');
    });
  });

  describe('for a halted deploy', () => {
    it('says that nothing was rolled back and why', () => {
      const text = renderSummary({ ...succeeded(), decision: 'halted', reasonCode: 'deploy_command_failed' });
      expect(text).toContain(
        'Rolled back\n  nothing: the run halted, and the targets it deployed stay where they are',
      );
    });
  });

  describe('for a first deploy without a commit', () => {
    it('says first deploy', () => {
      const text = renderSummary({ ...succeeded(), previousVersion: null, commit: null });
      expect(text.split('\n')[1]).toBe(
        '  first deploy · run run-20240501-1200 · started 12:00:00 UTC · took 1m 33s',
      );
    });
  });
});
