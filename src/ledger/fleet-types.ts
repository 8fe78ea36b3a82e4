/**
 * What the ledger keeps for fleets (issue 7): reported outcomes, verdicts with their evidence and
 * overrides, and scheduled promotions between release tracks. SqlLedger implements it for both
 * backends; the bot uses it through these methods only.
 */
import type { Outcome, Verdict, VerdictReason } from '../engine/verdict.ts';

/** One job's (or deploy's) result on a version, from a source such as `report`, `deployment_status`, `check_run`. */
export interface OutcomeInput {
  service: string;
  version: string;
  environment: string;
  outcome: Outcome;
  /** Where it came from: `report` (tranche report), `deployment_status`, `check_run`, `workflow_run`, `http`. */
  source: string;
  /** The job's id at the source; an outcome is recorded once per service, source and id. */
  sourceId: string;
  /** Epoch ms when it happened. */
  at: number;
}

export type OutcomeRecord = OutcomeInput;

export interface OutcomeFilter {
  service: string;
  /** Only these versions. */
  versions?: string[] | undefined;
  environment?: string | undefined;
}

/** Outcomes of a service per version and environment. */
export interface OutcomeCount {
  version: string;
  environment: string;
  failures: number;
  total: number;
  /** When the first of them happened. */
  firstAt: number;
}

/**
 * A version with outcomes recorded since the bot last judged it (by any writer: the bot, `tranche
 * report`, a bundle's import). `lastOutcomeId` tells this change from any later one.
 */
export interface UnjudgedVersion {
  service: string;
  version: string;
  lastOutcomeId: number;
}

export const VERDICT_KINDS = ['computed', 'override'] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

export interface VerdictInput {
  service: string;
  version: string;
  verdict: Verdict;
  reasonCode: VerdictReason;
  /** `computed` by the verdict module, or an `override` (mark-bad, mark-good) by a person. */
  kind: VerdictKind;
  /** Who: a person for an override, the program (`tranche verdict`, the bot) for a computed one. */
  actor: string | null;
  /** Why, in the person's words; null for a computed verdict. */
  reason: string | null;
  /** One line: what the evidence says. */
  message: string;
  /** The verdict module's evidence (estimates, bounds, samples, e-value, trajectory); null for an override without. */
  evidence: Record<string, unknown> | null;
  at: number;
}

/** A verdict as recorded: the log is append-only, so every change of mind is kept. */
export interface VerdictRecord extends VerdictInput {
  id: number;
}

export const PROMOTION_STATES = ['scheduled', 'claimed', 'done', 'failed', 'cancelled'] as const;
export type PromotionState = (typeof PROMOTION_STATES)[number];

export interface PromotionKey {
  service: string;
  version: string;
  /** The track the version is promoted to: a version is promoted to a track once. */
  toTrack: string;
}

export interface PromotionRequest extends PromotionKey {
  fromTrack: string;
  /** Epoch ms when it is due. */
  dueAt: number;
  /** Why, for people: the planner's message. */
  reason: string;
  /** The bot's: the repository (`owner/repo`) whose deployments carry it out, so a timer knows where to act. */
  repo?: string | null | undefined;
  /** The bot's: the GitHub App installation that can act on `repo`. */
  installationId?: number | null | undefined;
}

export interface PromotionRecord extends PromotionRequest {
  repo: string | null;
  installationId: number | null;
  state: PromotionState;
  /** The replica (or person) that claimed it to carry it out. */
  claimedBy: string | null;
  /** Its claim runs out then, and another may claim it. */
  claimedUntil: number | null;
  /** How it ended, or why it was cancelled. */
  note: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PromotionFilter {
  service?: string | undefined;
  states?: PromotionState[] | undefined;
  /** Only those due at or before. */
  dueBy?: number | undefined;
}

export interface FleetLedger {
  /** Records one outcome; false when this service, source and id were recorded already (nothing changes). */
  recordOutcome(outcome: OutcomeInput): Promise<boolean>;
  /** Records many in one transaction; resolves to how many were new. */
  recordOutcomes(outcomes: OutcomeInput[]): Promise<number>;
  /** Outcomes in the order they happened (by `at`, then as recorded). */
  outcomes(filter: OutcomeFilter): Promise<OutcomeRecord[]>;
  /** Per version and environment: failures and total. */
  outcomeCounts(service: string): Promise<OutcomeCount[]>;
  /** The versions that got outcomes since they were last settled (the bot's timer judges them). */
  unjudgedVersions(): Promise<UnjudgedVersion[]>;
  /** The version is judged up to `lastOutcomeId`: true when no outcome came since, and it is settled. */
  settleUnjudged(unjudged: UnjudgedVersion): Promise<boolean>;

  /** Appends a verdict (computed or override); never changes an earlier one. */
  recordVerdict(verdict: VerdictInput): Promise<VerdictRecord>;
  /** A service's verdicts, of one version or all, oldest first. */
  verdicts(service: string, version?: string): Promise<VerdictRecord[]>;

  /**
   * Schedules the promotion, or moves the due time of one still scheduled (or failed or
   * cancelled, which schedules it again); one claimed or done stays as it is. Returns the record
   * as it now stands.
   */
  schedulePromotion(request: PromotionRequest, now: number): Promise<PromotionRecord>;
  /**
   * Claims a due promotion for `holder` until `now + leaseMs`: one scheduled, or claimed by a
   * holder whose lease ran out. Exactly one of any number of concurrent claimants gets it; the
   * others get null.
   */
  claimPromotion(
    key: PromotionKey,
    holder: string,
    leaseMs: number,
    now: number,
  ): Promise<PromotionRecord | null>;
  /** Ends the holder's claimed promotion as done or failed; null when it is not claimed by `holder`. */
  finishPromotion(
    key: PromotionKey,
    holder: string,
    state: 'done' | 'failed',
    note: string | null,
    now: number,
  ): Promise<PromotionRecord | null>;
  /** Cancels a scheduled promotion (a hold, a bad verdict); null when it is not scheduled. */
  cancelPromotion(key: PromotionKey, note: string, now: number): Promise<PromotionRecord | null>;
  /** Promotions matching the filter, soonest due first. */
  promotions(filter: PromotionFilter): Promise<PromotionRecord[]>;
}
