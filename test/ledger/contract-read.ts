/**
 * Ledger.read on a backend: every read of one snapshot sees the ledger as it was when the snapshot
 * began, while another handle on the same ledger commits writes. `open` gives two handles on one
 * fresh ledger (two processes' worth: two SQLite connections, two PostgreSQL pools).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

export function describeReadSnapshot(name: string, open: () => Promise<[Ledger, Ledger]>): void {
  describe(`${name} read snapshot`, () => {
    let reader: Ledger;
    let writer: Ledger;

    beforeEach(async () => {
      [reader, writer] = await open();
    });

    afterEach(async () => {
      await reader.close();
      await writer.close();
    });

    it("does not see what another handle commits between the snapshot's reads", async () => {
      await writer.nextVersion('api', null, '{n}', T0);
      const seen = await reader.read(async (reads) => {
        const first = await reads.versions('api');
        await writer.nextVersion('api', null, '{n}', T0);
        await writer.acquireLock('env:prod', 'alice', { ttlMs: 60_000 }, T0);
        return { first, second: await reads.versions('api'), locks: await reads.locks(T0) };
      });
      expect(seen.first.map((v) => v.version)).toEqual(['1']);
      expect(seen.second).toEqual(seen.first);
      expect(seen.locks).toEqual([]);
      // Once the snapshot is over, the next one sees both writes.
      const after = await reader.read(async (reads) => ({
        versions: await reads.versions('api'),
        locks: await reads.locks(T0),
      }));
      expect(after.versions.map((v) => v.version).sort()).toEqual(['1', '2']);
      expect(after.locks.map((l) => l.name)).toEqual(['env:prod']);
    });

    it('rolls back and passes on what the work throws, and the handle reads on afterwards', async () => {
      await expect(
        reader.read(async (reads) => {
          await reads.versions('api');
          throw new Error('render failed');
        }),
      ).rejects.toThrow('render failed');
      await writer.nextVersion('api', null, '{n}', T0);
      expect((await reader.read((reads) => reads.versions('api'))).map((v) => v.version)).toEqual(['1']);
    });
  });
}
