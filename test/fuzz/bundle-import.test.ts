/**
 * `tranche ledger import` given generated bundles: signed ones holding odd records (the key is
 * shared, so whoever holds it can sign anything), and signed bundles changed afterwards. Every
 * case imports into the same ledger (SQLite, and PostgreSQL where there is one), in-process, and must end in one of two ways: the
 * whole bundle is in the ledger and the counts say so, or a clear refusal ("nothing was
 * imported", naming the line where there is one) with the ledger exactly as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { writeBundle } from '../../src/ledger/bundle.ts';
import type { LedgerRecord, LedgerRecordType } from '../../src/ledger/types.ts';
import { word } from '../bot/fuzz/hostile-text.ts';
import { RECORDS, T0 } from '../ledger/bundle-records.ts';
import { fuzzRuns, fuzzTimeout } from '../support/fuzz-runs.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';

const QUICK = 100;
const KEY = 'a-shared-secret-of-at-least-32-characters';

/** Text fields: hostile words, nothing, and characters some databases refuse to store. */
const text = fc.oneof(word, fc.constantFrom('', 'nul\u0000byte', '\ud800', 'é'));
const service = fc.oneof(fc.constantFrom('api', 'web'), text);
const environment = fc.oneof(fc.constantFrom('prod', 'staging'), word);
const label = fc.oneof(fc.constantFrom('1.1', '1.2', '2.0'), word);
const runId = fc.oneof(fc.constantFrom('r1', 'r2', 'r3'), word);
const at = fc.oneof(fc.integer({ min: T0 - 1e9, max: T0 + 1e9 }), fc.constantFrom(0, -1, 2 ** 53 - 1));
const orNull = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const record: fc.Arbitrary<LedgerRecord> = fc.oneof(
  fc.record({
    type: fc.constant('version' as const),
    version: fc.record({
      service,
      n: fc.integer({ min: 1, max: 2 ** 31 }),
      version: label,
      commit: orNull(fc.oneof(fc.constantFrom('aaa', 'bbb'), word)),
      createdAt: at,
    }),
  }),
  fc.record({
    type: fc.constant('run' as const),
    run: fc.record({
      runId,
      service,
      environment,
      version: label,
      commit: orNull(text),
      startedAt: at,
      finishedAt: orNull(at),
      decision: orNull(fc.oneof(fc.constantFrom('succeeded', 'rolled_back', 'failed'), word)),
      reasonCode: orNull(text),
      durationMs: orNull(fc.double({ noNaN: true })),
    }),
  }),
  fc.record({
    type: fc.constant('event' as const),
    event: fc.record(
      {
        runId,
        seq: fc.integer({ min: -5, max: 1e6 }),
        at,
        kind: fc.oneof(fc.constantFrom('run_started', 'run_finished', 'check', 'deploy'), word),
        status: text,
        service,
        environment,
        version: label,
        component: text,
        target: text,
        batch: fc.integer({ min: -1, max: 100 }),
        durationMs: fc.double({ noNaN: true, noDefaultInfinity: true }),
        reasonCode: text,
        message: text,
        data: fc.dictionary(fc.oneof(word, fc.constantFrom('__proto__', 'constructor')), fc.jsonValue()),
      },
      { requiredKeys: ['runId', 'seq', 'at', 'kind', 'status', 'service', 'environment', 'version'] },
    ),
  }),
  fc.record({
    type: fc.constant('target' as const),
    target: fc.record({
      service,
      environment,
      component: text,
      target: text,
      version: orNull(label),
      goodVersion: orNull(label),
      runId: orNull(runId),
      updatedAt: at,
    }),
  }),
  fc.record({
    type: fc.constant('outcome' as const),
    outcome: fc.record({
      service,
      version: label,
      environment,
      outcome: fc.constantFrom('success' as const, 'failure' as const),
      source: text,
      sourceId: text,
      at,
    }),
  }),
  fc.record({
    type: fc.constant('verdict' as const),
    verdict: fc.record({
      service,
      version: label,
      verdict: fc.oneof(fc.constantFrom('bad', 'good'), word),
      reasonCode: text,
      kind: fc.constant('override' as const),
      actor: text,
      reason: orNull(text),
      message: text,
      evidence: orNull(fc.dictionary(word, fc.jsonValue())),
      at,
    }),
  }),
) as fc.Arbitrary<LedgerRecord>;

/** What happens to the signed bundle's lines before the import reads them. */
const change = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('flip' as const), line: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), text: fc.oneof(word, fc.constant('{}')) }),
  fc.constant({ kind: 'other key' as const }),
  fc.constant({ kind: 'crlf' as const }),
);
type Change = typeof change extends fc.Arbitrary<infer C> ? C : never;

async function bundleOf(records: LedgerRecord[], key: string): Promise<string[]> {
  async function* each() {
    yield* records;
  }
  const lines: string[] = [];
  for await (const line of writeBundle(each(), Buffer.from(key), { exportedAt: T0, since: 0 })) {
    lines.push(line.slice(0, -1));
  }
  return lines;
}

async function changed(records: LedgerRecord[], how: Change): Promise<string> {
  const lines = await bundleOf(records, how.kind === 'other key' ? `${KEY}-but-another-one` : KEY);
  const pick = (n: number) => n % lines.length;
  switch (how.kind) {
    case 'flip': {
      const line = lines[pick(how.line)] ?? '';
      const i = how.at % Math.max(line.length, 1);
      const c = line.charCodeAt(i);
      lines[pick(how.line)] =
        line.slice(0, i) + String.fromCharCode(c === 0x31 ? 0x32 : 0x31) + line.slice(i + 1);
      break;
    }
    case 'drop':
      lines.splice(pick(how.line), 1);
      break;
    case 'swap': {
      const i = pick(how.line);
      const j = pick(how.line + 1);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      break;
    }
    case 'cut':
      lines.length = pick(how.line);
      break;
    case 'append':
      lines.push(how.text);
      break;
    case 'crlf':
      return `${lines.join('\r\n')}\r\n`;
    default:
      break;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function memoryRuntime(cwd: string): Runtime & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    env: { TRANCHE_BUNDLE_KEY: KEY },
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    onSignal: () => () => {},
    onStdoutClosed: () => () => {},
    out: () => out,
    err: () => err,
  };
}

/** What the ledger holds before the first case: a version and its finished run. */
const SEED = RECORDS.slice(0, 2);

async function contents(location: string): Promise<string[]> {
  return withLedgerAt(location, async (ledger) => {
    const all: string[] = [];
    for await (const r of ledger.exportRecords(0)) all.push(JSON.stringify(r));
    return all.sort();
  });
}

const TYPES: LedgerRecordType[] = ['version', 'run', 'event', 'target', 'outcome', 'verdict'];

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`ledger import into ${backend.name}, given generated bundles`, () => {
    let dir: string;
    let ledger: string;

    // The ledger every case imports into, starting with a version and a finished run.
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tranche-fuzz-import-'));
      ledger = await backend.location(dir);
      writeFileSync(join(dir, 'seed.ndjson'), await changed(SEED, { kind: 'none' }));
      const runtime = memoryRuntime(dir);
      expect(
        await main(['ledger', 'import', 'seed.ndjson', '--ledger', ledger], runtime),
        runtime.err(),
      ).toBe(0);
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('imports a bundle whole, or refuses it and changes nothing', {
      timeout: fuzzTimeout(QUICK, 500),
    }, async () => {
      const seen = { imported: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 8 }), change, async (records, how) => {
          const file = 'case.ndjson';
          writeFileSync(join(dir, file), await changed(records, how));
          const before = await contents(ledger);
          const runtime = memoryRuntime(dir);
          const code = await main(['ledger', 'import', file, '--ledger', ledger, '--json'], runtime);
          const after = await contents(ledger);

          if (code === 0) {
            seen.imported += 1;
            // Only an unchanged bundle imports, and every record of it is counted once, as new or as already here.
            expect(['none', 'crlf']).toContain(how.kind);
            const { counts } = JSON.parse(runtime.out()) as {
              counts: Record<LedgerRecordType, { written: number; present: number }>;
            };
            for (const type of TYPES) {
              const given = records.filter((r) => r.type === type).length;
              expect(counts[type].written + counts[type].present, type).toBe(given);
            }
            // Nothing is lost: a run or a target state may be replaced by a newer one from the bundle.
            expect(after.length).toBeGreaterThanOrEqual(before.length);
            return;
          }
          seen.refused += 1;
          // A refusal: bad input (2), or a version clash (1); one line naming the file, nothing written.
          expect([1, 2], runtime.err()).toContain(code);
          expect(runtime.err()).toMatch(/^tranche: case\.ndjson(:\d+)?: .*nothing was imported\n$/s);
          expect(after).toEqual(before);
        }),
        fuzzRuns(QUICK),
      );
      // The generator reaches both ends: bundles that import and bundles that are refused.
      expect(seen.imported).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  });
}
