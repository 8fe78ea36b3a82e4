/** Lock behaviour between real processes, for both backends (sqlite.test.ts, postgres.test.ts). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockOutcome } from '../../src/ledger/types.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { FIXTURES, runTogether, startTogether } from './processes.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** `location` is read in each test: a ledger file path or a postgres:// URL. */
export function describeLockProcesses(location: () => string): void {
  describe('locks between processes', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tranche-locks-'));
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('gives the lock to exactly one of eight processes contending at once', {
      timeout: timeoutFor({ nodes: 8 }),
    }, async () => {
      const outputs = await runTogether(
        FIXTURES.lock,
        Array.from({ length: 8 }, (_, i) => [
          location(),
          'acquire',
          'env:prod',
          `p${i}`,
          '60000',
          String(T0),
        ]),
      );
      const outcomes = outputs.map((lines) => lines[0] as LockOutcome);
      const winners = outcomes.filter((o) => o.acquired);
      expect(winners).toHaveLength(1);
      const holder = winners[0]?.acquired ? winners[0].lock.holder : undefined;
      for (const o of outcomes) if (!o.acquired) expect(o.heldBy.holder).toBe(holder);
    });

    it('lets the lease of a holder that crashed expire, and only then hands the lock on', {
      timeout: timeoutFor({ nodes: 3 }),
    }, async () => {
      const [holder] = await startTogether(FIXTURES.lock, [
        [location(), 'hold', 'env:prod', 'crashes', '30000', String(T0)],
      ]);
      expect(await holder?.firstLine).toMatchObject({ acquired: true });
      holder?.child.kill('SIGKILL');
      await holder?.output.catch(() => undefined);

      const contend = async (now: number) =>
        (
          await runTogether(FIXTURES.lock, [
            [location(), 'acquire', 'env:prod', 'next', '30000', String(now)],
          ])
        )[0]?.[0];
      expect(await contend(T0 + 29_999)).toMatchObject({ acquired: false, heldBy: { holder: 'crashes' } });
      expect(await contend(T0 + 30_000)).toMatchObject({ acquired: true, lock: { holder: 'next' } });
    });

    // Four workers, and twenty turns at the lock, which contention can stretch to as much again.
    it('never lets two of four processes inside the critical section at once', {
      timeout: timeoutFor({ nodes: 8 }),
    }, async () => {
      const log = join(dir, 'critical.log');
      await runTogether(
        FIXTURES.lock,
        Array.from({ length: 4 }, (_, i) => [location(), 'mutex', 'env:prod', `p${i}`, '5', log]),
      );
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(40);
      for (let i = 0; i < lines.length; i += 2) {
        const holder = lines[i]?.replace('enter ', '');
        expect([lines[i], lines[i + 1]]).toEqual([`enter ${holder}`, `exit ${holder}`]);
      }
    });
  });
}
