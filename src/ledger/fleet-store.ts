/**
 * The fleet store, the fleet part of SqlLedger (fleet-types.ts): outcomes, verdicts and
 * promotions over a SqlConnection, every statement from fleet-sql.ts. SqlLedger's methods call
 * these.
 */
import type { Outcome, Verdict, VerdictReason } from '../engine/verdict.ts';
import type { Row, SqlConnection, SqlSession } from './connection.ts';
import {
  CANCEL_PROMOTION,
  CLAIM_PROMOTION,
  COUNT_OUTCOMES,
  EXPORT_OUTCOMES,
  EXPORT_OVERRIDES,
  FIND_OVERRIDE,
  FINISH_PROMOTION,
  INSERT_OUTCOME,
  INSERT_VERDICT,
  insertOutcomes as insertOutcomesSql,
  MARK_UNJUDGED,
  OUTCOMES_PER_INSERT,
  type OutcomeParams,
  SCHEDULE_PROMOTION,
  SELECT_PROMOTION,
  SELECT_SERVICE_VERDICTS,
  SELECT_UNJUDGED,
  SELECT_VERSION_VERDICTS,
  SETTLE_UNJUDGED,
  selectOutcomes,
  selectPromotions,
} from './fleet-sql.ts';
import type {
  OutcomeCount,
  OutcomeFilter,
  OutcomeInput,
  OutcomeRecord,
  PromotionFilter,
  PromotionKey,
  PromotionRecord,
  PromotionRequest,
  PromotionState,
  UnjudgedVersion,
  VerdictInput,
  VerdictKind,
  VerdictRecord,
} from './fleet-types.ts';
import { nullableNumber, nullableString } from './rows.ts';
import type { LedgerRecord } from './types.ts';

function outcomeParams(o: OutcomeInput): OutcomeParams {
  if (o.outcome !== 'success' && o.outcome !== 'failure') {
    throw new RangeError(`an outcome is success or failure, got ${String(o.outcome)}`);
  }
  return {
    service: o.service,
    version: o.version,
    environment: o.environment,
    outcome: o.outcome,
    source: o.source,
    source_id: o.sourceId,
    at: Math.round(o.at),
  };
}

/** Records the outcome and, when it is new, marks its version unjudged (see UnjudgedVersion). */
export async function insertOutcome(session: SqlSession, outcome: OutcomeInput): Promise<boolean> {
  const inserted = await session.query(INSERT_OUTCOME, outcomeParams(outcome));
  await markUnjudged(session, inserted);
  return inserted.length > 0;
}

/** Marks each version among the inserted rows unjudged, with the last of its ids. */
async function markUnjudged(session: SqlSession, inserted: Row[]): Promise<void> {
  const last = new Map<string, { service: string; version: string; last_outcome_id: number }>();
  for (const row of inserted) {
    const service = String(row.service);
    const version = String(row.version);
    last.set(JSON.stringify([service, version]), { service, version, last_outcome_id: Number(row.id) });
  }
  for (const params of last.values()) await session.query(MARK_UNJUDGED, params);
}

/**
 * Many outcomes in one transaction, OUTCOMES_PER_INSERT to a statement. An outcome listed twice
 * in one statement would make PostgreSQL refuse it ("cannot affect row a second time"), so
 * repeats within the call are dropped first.
 */
export async function insertOutcomes(connection: SqlConnection, outcomes: OutcomeInput[]): Promise<number> {
  const seen = new Set<string>();
  const unique = outcomes.filter((o) => {
    const key = JSON.stringify([o.service, o.source, o.sourceId]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length === 0) return 0;
  return connection.transaction(async (session) => {
    const inserted: Row[] = [];
    for (let i = 0; i < unique.length; i += OUTCOMES_PER_INSERT) {
      const chunk = unique.slice(i, i + OUTCOMES_PER_INSERT);
      const { sql, params } = insertOutcomesSql(chunk.map(outcomeParams));
      inserted.push(...(await session.query(sql, params)));
    }
    await markUnjudged(session, inserted);
    return inserted.length;
  });
}

export async function queryOutcomes(
  connection: SqlConnection,
  filter: OutcomeFilter,
): Promise<OutcomeRecord[]> {
  const { sql, params } = selectOutcomes(filter);
  return (await connection.query(sql, params)).map(toOutcome);
}

function toOutcome(row: Row): OutcomeRecord {
  return {
    service: String(row.service),
    version: String(row.version),
    environment: String(row.environment),
    outcome: String(row.outcome) as Outcome,
    source: String(row.source),
    sourceId: String(row.source_id),
    at: Number(row.at),
  };
}

/** The bundle records of the fleet tables (types.ts LedgerRecord): outcomes and overrides since `since`. */
export async function* exportFleetRecords(
  connection: SqlConnection,
  since: number,
): AsyncIterable<LedgerRecord> {
  for (const row of await connection.query(EXPORT_OUTCOMES, { since })) {
    yield { type: 'outcome', outcome: toOutcome(row) };
  }
  for (const row of await connection.query(EXPORT_OVERRIDES, { since })) {
    const { id: _, ...verdict } = toVerdict(row);
    yield { type: 'verdict', verdict };
  }
}

/** Writes an imported override unless the same one (who, what, when) is here; true when it was not. */
export async function importOverride(session: SqlSession, v: VerdictInput): Promise<boolean> {
  const found = await session.query(FIND_OVERRIDE, {
    service: v.service,
    version: v.version,
    kind: v.kind,
    verdict: v.verdict,
    actor: v.actor,
    at: Math.round(v.at),
  });
  if (found.length > 0) return false;
  await insertVerdict(session, v);
  return true;
}

export async function countOutcomes(connection: SqlConnection, service: string): Promise<OutcomeCount[]> {
  return (await connection.query(COUNT_OUTCOMES, { service })).map((row) => ({
    version: String(row.version),
    environment: String(row.environment),
    failures: Number(row.failures),
    total: Number(row.total),
    firstAt: Number(row.first_at),
  }));
}

export async function queryUnjudged(connection: SqlConnection): Promise<UnjudgedVersion[]> {
  return (await connection.query(SELECT_UNJUDGED)).map((row) => ({
    service: String(row.service),
    version: String(row.version),
    lastOutcomeId: Number(row.last_outcome_id),
  }));
}

export async function settleUnjudged(connection: SqlConnection, u: UnjudgedVersion): Promise<boolean> {
  const rows = await connection.query(SETTLE_UNJUDGED, {
    service: u.service,
    version: u.version,
    last_outcome_id: u.lastOutcomeId,
  });
  return rows.length > 0;
}

export async function insertVerdict(session: SqlSession, v: VerdictInput): Promise<VerdictRecord> {
  const [row] = await session.query(INSERT_VERDICT, {
    service: v.service,
    version: v.version,
    verdict: v.verdict,
    reason_code: v.reasonCode,
    kind: v.kind,
    actor: v.actor,
    reason: v.reason,
    message: v.message,
    evidence: v.evidence === null ? null : JSON.stringify(v.evidence),
    at: Math.round(v.at),
  });
  return { ...v, id: Number(row?.id) };
}

export async function queryVerdicts(
  connection: SqlConnection,
  service: string,
  version?: string,
): Promise<VerdictRecord[]> {
  const rows =
    version === undefined
      ? await connection.query(SELECT_SERVICE_VERDICTS, { service })
      : await connection.query(SELECT_VERSION_VERDICTS, { service, version });
  return rows.map(toVerdict);
}

function toVerdict(row: Row): VerdictRecord {
  return {
    id: Number(row.id),
    service: String(row.service),
    version: String(row.version),
    verdict: String(row.verdict) as Verdict,
    reasonCode: String(row.reason_code) as VerdictReason,
    kind: String(row.kind) as VerdictKind,
    actor: nullableString(row.actor),
    reason: nullableString(row.reason),
    message: String(row.message),
    evidence: row.evidence === null ? null : (JSON.parse(String(row.evidence)) as Record<string, unknown>),
    at: Number(row.at),
  };
}

const keyParams = (key: PromotionKey) => ({
  service: key.service,
  version: key.version,
  to_track: key.toTrack,
});

export async function schedule(
  connection: SqlConnection,
  request: PromotionRequest,
  now: number,
): Promise<PromotionRecord> {
  return connection.transaction(async (session) => {
    await session.query(SCHEDULE_PROMOTION, {
      service: request.service,
      version: request.version,
      from_track: request.fromTrack,
      to_track: request.toTrack,
      due_at: Math.round(request.dueAt),
      reason: request.reason,
      created_at: now,
      updated_at: now,
      repo: request.repo ?? null,
      installation_id: request.installationId ?? null,
    });
    const [row] = await session.query(SELECT_PROMOTION, keyParams(request));
    if (!row)
      throw new Error(`promotion of ${request.version} to ${request.toTrack}: not stored; this is a bug`);
    return toPromotion(row);
  });
}

export async function claim(
  connection: SqlConnection,
  key: PromotionKey,
  holder: string,
  leaseMs: number,
  now: number,
): Promise<PromotionRecord | null> {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`a claim must last a whole number of milliseconds above 0, got ${leaseMs}`);
  }
  const rows = await connection.query(CLAIM_PROMOTION, {
    claimed_by: holder,
    claimed_until: now + leaseMs,
    now,
    ...keyParams(key),
  });
  return rows[0] ? toPromotion(rows[0]) : null;
}

export async function finish(
  connection: SqlConnection,
  key: PromotionKey,
  holder: string,
  state: 'done' | 'failed',
  note: string | null,
  now: number,
): Promise<PromotionRecord | null> {
  const rows = await connection.query(FINISH_PROMOTION, {
    state,
    note,
    updated_at: now,
    ...keyParams(key),
    claimed_by: holder,
  });
  return rows[0] ? toPromotion(rows[0]) : null;
}

export async function cancel(
  connection: SqlConnection,
  key: PromotionKey,
  note: string,
  now: number,
): Promise<PromotionRecord | null> {
  const rows = await connection.query(CANCEL_PROMOTION, { note, updated_at: now, ...keyParams(key) });
  return rows[0] ? toPromotion(rows[0]) : null;
}

export async function queryPromotions(
  connection: SqlConnection,
  filter: PromotionFilter,
): Promise<PromotionRecord[]> {
  const { sql, params } = selectPromotions(filter);
  return (await connection.query(sql, params)).map(toPromotion);
}

function toPromotion(row: Row): PromotionRecord {
  return {
    service: String(row.service),
    version: String(row.version),
    fromTrack: String(row.from_track),
    toTrack: String(row.to_track),
    dueAt: Number(row.due_at),
    reason: String(row.reason),
    state: String(row.state) as PromotionState,
    claimedBy: nullableString(row.claimed_by),
    claimedUntil: nullableNumber(row.claimed_until),
    note: nullableString(row.note),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    repo: nullableString(row.repo),
    installationId: nullableNumber(row.installation_id),
  };
}
