import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, readBundle, writeBundle } from '../../src/ledger/bundle.ts';
import type { LedgerRecord } from '../../src/ledger/types.ts';
import { RECORDS, T0 } from './bundle-records.ts';

const KEY = Buffer.from('a-shared-secret-of-at-least-32-characters');

async function* yieldAll<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** The bundle's lines, without newlines. */
async function bundle(records = RECORDS, key = KEY): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of writeBundle(yieldAll(records), key, { exportedAt: T0 + 10, since: 0 })) {
    lines.push(line.replace(/\n$/, ''));
  }
  return lines;
}

async function read(lines: string[], key = KEY) {
  const records: LedgerRecord[] = [];
  const reader = readBundle(yieldAll(lines), key, 'b.ndjson');
  for (;;) {
    const next = await reader.next();
    if (next.done) return { header: next.value, records };
    records.push(next.value.record);
  }
}

/** Lines signed as the bundle format says (each mac chained to the previous one), for headers writeBundle would not write. */
function signed(payloads: object[], key = KEY): string[] {
  let previous = '';
  return payloads.map((payload) => {
    previous = createHmac('sha256', key)
      .update(`${previous}\n${JSON.stringify(payload)}`)
      .digest('hex');
    return JSON.stringify({ ...payload, mac: previous });
  });
}

describe('ledger bundles', () => {
  describe('a bundle as written', () => {
    it('is a header, one line per record and an end line, each a JSON object with a mac', async () => {
      const lines = await bundle();
      expect(lines).toHaveLength(RECORDS.length + 2);
      const parsed = lines.map((l) => JSON.parse(l));
      expect(parsed[0]).toMatchObject({
        tranche: 'ledger-bundle',
        format: BUNDLE_FORMAT,
        exportedAt: T0 + 10,
      });
      expect(parsed.slice(1, -1).map((p) => p.type)).toEqual([
        'version',
        'run',
        'event',
        'target',
        'outcome',
        'verdict',
        'watch',
      ]);
      expect(parsed.at(-1)).toMatchObject({ type: 'end', records: 7 });
      for (const p of parsed) expect(p.mac).toMatch(/^[0-9a-f]{64}$/);
    });

    it('reads back to the same records and header', async () => {
      const { header, records } = await read(await bundle());
      expect(records).toStrictEqual(RECORDS);
      expect(header).toEqual({
        tranche: 'ledger-bundle',
        format: BUNDLE_FORMAT,
        exportedAt: T0 + 10,
        since: 0,
      });
    });

    it('reads a format 1 bundle, from before outcomes and overrides travelled', async () => {
      const header = { tranche: 'ledger-bundle', format: 1, exportedAt: T0, since: 0 };
      const lines = signed([header, RECORDS[0] as LedgerRecord, { type: 'end', records: 1 }]);
      expect(await read(lines)).toEqual({ header, records: [RECORDS[0]] });
    });

    it('reads a format 2 bundle, whose runs name no actor, with a null actor', async () => {
      const header = { tranche: 'ledger-bundle', format: 2, exportedAt: T0, since: 0 };
      const { actor, ...run } = (RECORDS[1] as Extract<LedgerRecord, { type: 'run' }>).run;
      expect(actor).toBe('alice');
      const lines = signed([header, { type: 'run', run }, { type: 'end', records: 1 }]);
      expect((await read(lines)).records).toEqual([{ type: 'run', run: { ...run, actor: null } }]);
    });

    it('reads back an empty export', async () => {
      expect((await read(await bundle([]))).records).toEqual([]);
    });
  });

  describe('refuses', () => {
    it('a changed value, naming its line', async () => {
      const lines = await bundle();
      lines[3] = (lines[3] as string).replace('"value":42', '"value":41');
      await expect(read(lines)).rejects.toThrow(
        /^b\.ndjson:4: the signature does not match: this line was changed/,
      );
    });

    it('a removed line, naming the line after the gap', async () => {
      const lines = await bundle();
      lines.splice(2, 1);
      await expect(read(lines)).rejects.toThrow(/^b\.ndjson:3: the signature does not match/);
    });

    it('two lines swapped', async () => {
      const lines = await bundle();
      [lines[1], lines[2]] = [lines[2] as string, lines[1] as string];
      await expect(read(lines)).rejects.toThrow(/^b\.ndjson:2: the signature does not match/);
    });

    it('a bundle without its end line as truncated', async () => {
      const lines = await bundle();
      await expect(read(lines.slice(0, -1))).rejects.toThrow(
        'b.ndjson: ends after line 8 without its end line: the bundle is truncated',
      );
    });

    it('a bundle cut inside a line, naming that line', async () => {
      const lines = await bundle();
      const cut = [...lines.slice(0, 3), (lines[3] as string).slice(0, 40)];
      await expect(read(cut)).rejects.toThrow(/^b\.ndjson:4: not a line of JSON: the bundle is cut short/);
    });

    it('a line added after the end line', async () => {
      const lines = await bundle();
      await expect(read([...lines, lines[1] as string])).rejects.toThrow(
        /^b\.ndjson:10: a line after the end line/,
      );
    });

    it('a bundle signed with another key, at its first line', async () => {
      const lines = await bundle(RECORDS, Buffer.from('another-secret-of-at-least-32-characters!'));
      await expect(read(lines)).rejects.toThrow(
        /^b\.ndjson:1: the signature does not match: the key differs/,
      );
    });

    it('a line without a mac', async () => {
      const lines = await bundle();
      const { mac: _mac, ...rest } = JSON.parse(lines[1] as string);
      lines[1] = JSON.stringify(rest);
      await expect(read(lines)).rejects.toThrow(/^b\.ndjson:2: no signature/);
    });

    it('a format it does not know, naming the formats it reads', async () => {
      const lines = signed([
        { tranche: 'ledger-bundle', format: 4, exportedAt: T0, since: 0 },
        { type: 'end', records: 0 },
      ]);
      await expect(read(lines)).rejects.toThrow(
        'b.ndjson:1: bundle format 4, and this Tranche reads formats 1, 2 and 3',
      );
    });

    it('a run whose actor is longer than a stored one can be', async () => {
      const { run } = RECORDS[1] as Extract<LedgerRecord, { type: 'run' }>;
      const lines = signed([
        { tranche: 'ledger-bundle', format: 3, exportedAt: T0, since: 0 },
        { type: 'run', run: { ...run, actor: 'a'.repeat(101) } },
        { type: 'end', records: 1 },
      ]);
      await expect(read(lines)).rejects.toThrow(/^b\.ndjson:2: not a ledger record: .*actor/);
    });

    it('a computed verdict: only overrides travel', async () => {
      const verdict = {
        ...(RECORDS[5] as Extract<LedgerRecord, { type: 'verdict' }>).verdict,
        kind: 'computed',
      };
      const lines = signed([
        { tranche: 'ledger-bundle', format: 2, exportedAt: T0, since: 0 },
        { type: 'verdict', verdict },
        { type: 'end', records: 1 },
      ]);
      await expect(read(lines)).rejects.toThrow(/^b\.ndjson:2: not a ledger record: .*verdict\.kind/);
    });

    it('an empty file', async () => {
      await expect(read([])).rejects.toThrow('b.ndjson: empty: not a ledger bundle');
    });

    it('yields nothing from a bundle whose first line fails', async () => {
      const lines = await bundle();
      lines[0] = (lines[0] as string).replace('"since":0', '"since":1');
      const seen: unknown[] = [];
      await expect(
        (async () => {
          for await (const entry of readBundle(yieldAll(lines), KEY, 'b.ndjson')) seen.push(entry);
        })(),
      ).rejects.toThrow(/:1:/);
      expect(seen).toEqual([]);
    });
  });
});
