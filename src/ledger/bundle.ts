/**
 * Ledger bundles: how records travel between ledgers, e.g. from an air-gapped controller's to the
 * central one. A bundle is newline-delimited JSON:
 *
 *   {"tranche":"ledger-bundle","format":1,"exportedAt":…,"since":…,"mac":"…"}   the header
 *   {"type":"version","version":{…},"mac":"…"}                                   one line per record:
 *   {"type":"run","run":{…},"mac":"…"}                                           versions, runs,
 *   {"type":"event","event":{…},"mac":"…"}                                       events, target
 *   {"type":"target","target":{…},"mac":"…"}                                     states, outcomes
 *   {"type":"outcome","outcome":{…},"mac":"…"}                                   and verdict
 *   {"type":"verdict","verdict":{…},"mac":"…"}                                   overrides, and
 *   {"type":"watch","watch":{…},"mac":"…"}                                       watch transitions
 *   {"type":"end","records":N,"mac":"…"}                                         the end line
 *
 * Every line is signed with HMAC-SHA256 under a shared key, chained: a line's mac covers the
 * previous line's mac and the line without its own mac (`JSON.stringify` of the rest, in order).
 * So a changed line, a removed, added or reordered one, and a bundle cut short are each caught
 * at the first line that is wrong, and the reader names it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CHECK_STATUSES } from '../engine/vocabulary.ts';
import { ACTOR_MAX_LENGTH } from './actor.ts';
import type { LedgerRecord } from './types.ts';
import { WATCH_STATES } from './watch-types.ts';

/**
 * Format 2 added outcomes and verdict overrides, format 3 watch transitions and each run's actor;
 * older bundles read as they are (their runs name no actor).
 */
export const BUNDLE_FORMAT = 3;
const READABLE_FORMATS = [1, 2, 3];
const MAGIC = 'ledger-bundle';

export interface BundleHeader {
  tranche: typeof MAGIC;
  format: number;
  /** Epoch ms. */
  exportedAt: number;
  /** Epoch ms: the bundle holds what was recorded at or after this. */
  since: number;
}

/** A bundle that cannot be trusted or read; the message starts with `file:line:` where there is a line to name. */
export class BundleError extends Error {
  override name = 'BundleError';
}

/** Signs lines one after another; each line's mac chains to the previous one's. */
class Signer {
  private readonly key: Buffer;
  private previous = '';

  constructor(key: Buffer) {
    this.key = key;
  }

  mac(payload: string): string {
    const mac = createHmac('sha256', this.key).update(`${this.previous}\n${payload}`).digest('hex');
    this.previous = mac;
    return mac;
  }
}

/** The bundle's lines (each ending in a newline) for `records`, signed with `key`. */
export async function* writeBundle(
  records: AsyncIterable<LedgerRecord>,
  key: Buffer,
  meta: { exportedAt: number; since: number },
): AsyncGenerator<string> {
  const signer = new Signer(key);
  const line = (payload: object): string => {
    const mac = signer.mac(JSON.stringify(payload));
    return `${JSON.stringify({ ...payload, mac })}\n`;
  };
  const header: BundleHeader = { tranche: MAGIC, format: BUNDLE_FORMAT, ...meta };
  yield line(header);
  let count = 0;
  for await (const record of records) {
    count += 1;
    yield line(record);
  }
  yield line({ type: 'end', records: count });
}

export interface BundleEntry {
  /** 1-based line number in the bundle. */
  line: number;
  record: LedgerRecord;
}

/**
 * Verifies and parses a bundle's lines (without their newlines), yielding each record once its
 * line has checked out; `name` (the file) goes in errors. Throws BundleError at the first line
 * that fails, and at the end when the end line is missing: a consumer that writes as records
 * come must do so in a transaction it can roll back. Returns the header.
 */
export async function* readBundle(
  lines: AsyncIterable<string>,
  key: Buffer,
  name: string,
): AsyncGenerator<BundleEntry, BundleHeader> {
  const signer = new Signer(key);
  let header: BundleHeader | undefined;
  let records = 0;
  let ended = false;
  let n = 0;
  for await (const text of lines) {
    n += 1;
    const fail = (problem: string) => new BundleError(`${name}:${n}: ${problem}`);
    if (ended) throw fail('a line after the end line: the bundle was changed');
    const payload = verifiedPayload(text, signer, n, fail);
    if (header === undefined) {
      header = parseHeader(payload, fail);
    } else if (payload.type === 'end') {
      if (payload.records !== records) {
        throw fail(`the end line counts ${String(payload.records)} records, the bundle holds ${records}`);
      }
      ended = true;
    } else {
      const parsed = RECORD.safeParse(payload);
      if (!parsed.success)
        throw fail(`not a ledger record: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
      records += 1;
      yield { line: n, record: parsed.data as LedgerRecord };
    }
  }
  if (header === undefined) throw new BundleError(`${name}: empty: not a ledger bundle`);
  if (!ended) {
    throw new BundleError(`${name}: ends after line ${n} without its end line: the bundle is truncated`);
  }
  return header;
}

/** The line's JSON without its mac, once the mac has checked out. */
function verifiedPayload(
  text: string,
  signer: Signer,
  n: number,
  fail: (problem: string) => BundleError,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('not a line of JSON: the bundle is cut short or was changed');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('not a JSON object: not a ledger bundle line');
  }
  const { mac, ...payload } = parsed as Record<string, unknown>;
  if (typeof mac !== 'string') throw fail('no signature (mac): not a ledger bundle line');
  const expected = Buffer.from(signer.mac(JSON.stringify(payload)), 'hex');
  const given = Buffer.from(mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw fail(
      n === 1
        ? 'the signature does not match: the key differs from the one the bundle was exported with, or the header was changed'
        : 'the signature does not match: this line was changed, or lines before it were removed, added or reordered',
    );
  }
  return payload;
}

function parseHeader(payload: Record<string, unknown>, fail: (problem: string) => BundleError): BundleHeader {
  if (payload.tranche !== MAGIC) throw fail('not a Tranche ledger bundle header');
  const header = HEADER.safeParse(payload);
  if (!header.success) throw fail(`a bundle header without ${header.error.issues[0]?.path.join('.')}`);
  if (!READABLE_FORMATS.includes(header.data.format)) {
    throw fail(
      `bundle format ${header.data.format}, and this Tranche reads formats ${READABLE_FORMATS.slice(0, -1).join(', ')} and ${READABLE_FORMATS.at(-1)}`,
    );
  }
  return header.data as BundleHeader;
}

/**
 * Numbers as the ledger can read them back: a value past 2^53 would be stored, and then every
 * read of its row (history, export) would fail.
 */
const epochMs = z.number().int().safe();
const count = z.number().int().safe();
const milliseconds = z.number().min(0).max(Number.MAX_SAFE_INTEGER);
const HEADER = z.object({
  tranche: z.literal(MAGIC),
  format: z.number().int(),
  exportedAt: epochMs,
  since: epochMs,
});

/** Stored text is taken as stored (history keeps codes a later vocabulary dropped), so no enums here. */
const RECORD = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('version'),
    version: z.object({
      service: z.string(),
      n: count.positive(),
      version: z.string(),
      commit: z.string().nullable(),
      createdAt: epochMs,
    }),
  }),
  z.object({
    type: z.literal('run'),
    run: z.object({
      runId: z.string(),
      service: z.string(),
      environment: z.string(),
      version: z.string(),
      commit: z.string().nullable(),
      startedAt: epochMs,
      finishedAt: epochMs.nullable(),
      decision: z.string().nullable(),
      reasonCode: z.string().nullable(),
      durationMs: milliseconds.nullable(),
      actor: z.string().max(ACTOR_MAX_LENGTH).nullable().default(null),
    }),
  }),
  z.object({
    type: z.literal('event'),
    event: z.object({
      runId: z.string(),
      seq: count,
      at: epochMs,
      kind: z.string(),
      status: z.string(),
      service: z.string(),
      environment: z.string(),
      version: z.string(),
      component: z.string().optional(),
      target: z.string().optional(),
      batch: count.optional(),
      durationMs: milliseconds.optional(),
      reasonCode: z.string().optional(),
      message: z.string().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  z.object({
    type: z.literal('target'),
    target: z.object({
      service: z.string(),
      environment: z.string(),
      component: z.string(),
      target: z.string(),
      version: z.string().nullable(),
      goodVersion: z.string().nullable(),
      runId: z.string().nullable(),
      updatedAt: epochMs,
    }),
  }),
  z.object({
    type: z.literal('outcome'),
    outcome: z.object({
      service: z.string(),
      version: z.string(),
      environment: z.string(),
      outcome: z.enum(['success', 'failure']),
      source: z.string(),
      sourceId: z.string(),
      at: epochMs,
    }),
  }),
  z.object({
    type: z.literal('verdict'),
    verdict: z.object({
      service: z.string(),
      version: z.string(),
      verdict: z.string(),
      reasonCode: z.string(),
      kind: z.literal('override'),
      actor: z.string(),
      reason: z.string().nullable(),
      message: z.string(),
      evidence: z.record(z.string(), z.unknown()).nullable(),
      at: epochMs,
    }),
  }),
  z.object({
    type: z.literal('watch'),
    watch: z.object({
      service: z.string(),
      environment: z.string(),
      component: z.string(),
      target: z.string(),
      check: z.string(),
      at: epochMs,
      state: z.enum(WATCH_STATES),
      status: z.enum(CHECK_STATUSES),
      reason: z.string(),
      value: z.number().nullable(),
    }),
  }),
]);
