/** Queue admission between real processes, for both backends (sqlite.test.ts, postgres.test.ts). */
import { describe, expect, it } from 'vitest';
import type { Admission } from '../../src/ledger/types.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { FIXTURES, runTogether } from './processes.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

type Admitted = Exclude<Admission, { outcome: 'duplicate' }>;

async function admitTogether(location: string, environments: string[], deliveries?: string[]) {
  const outputs = await runTogether(
    FIXTURES.admit,
    environments.map((environment, i) => [
      location,
      deliveries?.[i] ?? `d${i}`,
      environment,
      `person${i}`,
      String(T0),
    ]),
  );
  return outputs.map((lines) => lines[0] as Admission);
}

/** `location` is read in each test: a fresh ledger file path or postgres:// URL. */
export function describeReleaseProcesses(location: () => Promise<string>): void {
  describe('release admission between processes', () => {
    it('starts one of six processes deploying to one environment and queues the rest in order', {
      timeout: timeoutFor({ nodes: 6 }),
    }, async () => {
      const admissions = (await admitTogether(await location(), Array(6).fill('production'))) as Admitted[];
      expect(admissions.filter((a) => a.outcome === 'started')).toHaveLength(1);
      const positions = admissions.filter((a) => a.outcome === 'queued').map((a) => a.position);
      expect(positions.toSorted()).toEqual([1, 2, 3, 4, 5]);
    });

    it('starts no more than the limit of six processes deploying to six environments', {
      timeout: timeoutFor({ nodes: 6 }),
    }, async () => {
      const environments = ['a', 'b', 'c', 'd', 'e', 'f'];
      const admissions = (await admitTogether(await location(), environments)) as Admitted[];
      expect(admissions.filter((a) => a.outcome === 'started')).toHaveLength(2);
      expect(admissions.filter((a) => a.blockedBy?.reason === 'limit')).toHaveLength(4);
    });

    it('acts once on one delivery that four processes receive at once', {
      timeout: timeoutFor({ nodes: 4 }),
    }, async () => {
      const admissions = await admitTogether(
        await location(),
        Array(4).fill('production'),
        Array(4).fill('same'),
      );
      expect(admissions.filter((a) => a.outcome === 'started')).toHaveLength(1);
      expect(admissions.filter((a) => a.outcome === 'duplicate')).toHaveLength(3);
    });
  });
}
