/**
 * Verdicts from the ledger's outcomes: which version a version is compared with, computing and
 * recording its verdict, the verdict that stands, and overrides. What `tranche verdict` and the
 * bot call; the statistics are engine/verdict.ts.
 */
import {
  type ComputedVerdict,
  computeVerdict,
  type EarlierDecision,
  effectiveVerdict,
  type VerdictSettings,
} from '../engine/verdict.ts';
import type { OutcomeCount, VerdictRecord } from '../ledger/fleet-types.ts';
import type { Ledger } from '../ledger/types.ts';

export type VerdictLedger = Pick<
  Ledger,
  'versions' | 'outcomes' | 'outcomeCounts' | 'verdicts' | 'recordVerdict'
>;

/** The verdict that stands for the version (see effectiveVerdict); undefined before any. */
export async function standingVerdict(
  ledger: Pick<Ledger, 'verdicts'>,
  service: string,
  version: string,
): Promise<VerdictRecord | undefined> {
  return effectiveVerdict(await ledger.verdicts(service, version));
}

/**
 * What `version` is compared with: the newest earlier version whose standing verdict is good,
 * else the newest earlier version with outcomes that is not bad; null when there is none.
 * "Earlier" is the ledger's version order; for a version the ledger never allocated (outcomes
 * of versions numbered elsewhere), versions whose first outcome came before its first outcome.
 */
export async function baselineOf(
  ledger: VerdictLedger,
  service: string,
  version: string,
): Promise<string | null> {
  const counts = await ledger.outcomeCounts(service);
  const withOutcomes = new Set(counts.map((c) => c.version));
  const earlier = await earlierVersions(ledger, service, version, counts);
  const verdicts = await ledger.verdicts(service);
  const standing = (v: string) => effectiveVerdict(verdicts.filter((r) => r.version === v))?.verdict;
  const candidates = earlier.filter((v) => withOutcomes.has(v) && standing(v) !== 'bad');
  return candidates.findLast((v) => standing(v) === 'good') ?? candidates.at(-1) ?? null;
}

/** Versions before `version`, oldest first. */
async function earlierVersions(
  ledger: VerdictLedger,
  service: string,
  version: string,
  counts: OutcomeCount[],
): Promise<string[]> {
  const known = (await ledger.versions(service)).map((v) => v.version);
  const at = known.indexOf(version);
  if (at >= 0) return known.slice(0, at);
  const firstOutcome = new Map<string, number>();
  for (const c of counts)
    firstOutcome.set(c.version, Math.min(c.firstAt, firstOutcome.get(c.version) ?? c.firstAt));
  const mine = firstOutcome.get(version) ?? Number.POSITIVE_INFINITY;
  return [...firstOutcome.entries()]
    .filter(([v, first]) => v !== version && first < mine)
    .sort((a, b) => a[1] - b[1])
    .map(([v]) => v);
}

export interface EvaluatedVerdict {
  computed: ComputedVerdict;
  /**
   * The verdict that stands after this evaluation: an override, if any, else the computed one,
   * recorded when it was reached and told with the evidence of now (its message and evidence).
   */
  standing: VerdictRecord;
  /** The record written now; null when the computed verdict had not changed since the last one. */
  recorded: VerdictRecord | null;
}

/**
 * Computes the version's verdict from every outcome of it and of its baseline, and records it
 * when it differs (verdict or reason) from the last computed one, so the log holds each change
 * with the evidence of that moment. A computed bad verdict against the same baseline stands
 * (the sequential test stopped when it crossed; see engine/verdict.ts): later outcomes refresh
 * its evidence, not its verdict.
 */
export async function evaluateVerdict(
  ledger: VerdictLedger,
  service: string,
  version: string,
  settings: VerdictSettings,
  context: { actor: string; now: number },
): Promise<EvaluatedVerdict> {
  const baseline = await baselineOf(ledger, service, version);
  const outcomes = await ledger.outcomes({ service, versions: baseline ? [version, baseline] : [version] });
  const history = await ledger.verdicts(service, version);
  const last = history.findLast((r) => r.kind === 'computed');
  const computed = computeVerdict(version, baseline, outcomes, settings, earlierDecision(history, baseline));
  const changed = !last || last.verdict !== computed.verdict || last.reasonCode !== computed.reasonCode;
  const recorded = changed
    ? await ledger.recordVerdict({
        service,
        version,
        verdict: computed.verdict,
        reasonCode: computed.reasonCode,
        kind: 'computed',
        actor: context.actor,
        reason: null,
        message: computed.message,
        evidence: { ...computed.evidence },
        at: context.now,
      })
    : null;
  const records = recorded ? [...history, recorded] : history;
  const standing = effectiveVerdict(records) as VerdictRecord;
  // Unchanged since it was recorded (verdict and reason), so only its count and evidence moved on.
  const now =
    standing.kind === 'computed' ? { message: computed.message, evidence: { ...computed.evidence } } : {};
  return { computed, standing: { ...standing, ...now }, recorded };
}

/** The first computed bad verdict against `baseline`, with its crossing, from its recorded evidence. */
function earlierDecision(
  history: readonly VerdictRecord[],
  baseline: string | null,
): EarlierDecision | undefined {
  const bad = history.find(
    (r) =>
      r.kind === 'computed' && r.reasonCode === 'failure_rate_higher' && r.evidence?.baseline === baseline,
  );
  const decidedAtSample = bad?.evidence?.decidedAtSample;
  if (baseline === null || typeof decidedAtSample !== 'number') return undefined;
  return { baseline, decidedAtSample };
}

/** `mark-bad` / `mark-good`: an override with who and why, appended beside the computed verdicts. */
export async function overrideVerdict(
  ledger: Pick<Ledger, 'recordVerdict'>,
  request: {
    service: string;
    version: string;
    verdict: 'bad' | 'good';
    actor: string;
    reason: string;
    now: number;
  },
): Promise<VerdictRecord> {
  if (request.reason.trim() === '') throw new RangeError('an override needs a reason: say why');
  return ledger.recordVerdict({
    service: request.service,
    version: request.version,
    verdict: request.verdict,
    reasonCode: request.verdict === 'bad' ? 'marked_bad' : 'marked_good',
    kind: 'override',
    actor: request.actor,
    reason: request.reason,
    message: `marked ${request.verdict} by ${request.actor}: ${request.reason}`,
    evidence: null,
    at: request.now,
  });
}
