/**
 * The closed vocabularies of a rollout. Every run ends with one decision and one reason code
 * from these lists; adapters, the ledger and reports never invent their own.
 */

/** How a whole run ended. */
export const RUN_DECISIONS = ['succeeded', 'rolled_back', 'halted', 'cancelled'] as const;
export type RunDecision = (typeof RUN_DECISIONS)[number];

/** What the engine decides after each batch (and after each bake round). */
export const STEP_DECISIONS = ['continue', 'rollback', 'halt'] as const;
export type StepDecision = (typeof STEP_DECISIONS)[number];

/** What to do when a step fails. */
export const ON_FAILURE = ['rollback-release', 'rollback-component', 'halt'] as const;
export type OnFailure = (typeof ON_FAILURE)[number];

/** Why a run (or a step) ended the way it did. */
export const REASON_CODES = [
  'all_batches_healthy',
  'deploy_command_failed',
  'deploy_timed_out',
  'check_failed',
  'check_errored',
  'check_no_data',
  'cancelled',
  'internal_error',
  /** The run's process died before the run ended; the next run on its environment recorded it. */
  'run_died',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** What a target's command was asked to do; exported to commands as TRANCHE_ACTION. */
export const ACTIONS = ['deploy', 'rollback', 'check'] as const;
export type Action = (typeof ACTIONS)[number];

/** Every event a run writes to the ledger and hands to reporters. */
export const EVENT_KINDS = [
  'run_started',
  /** Which targets the run's inventories gave when it was planned (ReleaseSpec.inventory). */
  'inventory',
  'component_started',
  'batch_started',
  'target_deploy',
  'check',
  'bake_started',
  'bake_finished',
  'batch_finished',
  'component_finished',
  'rollback_started',
  'target_rollback',
  'rollback_finished',
  'run_finished',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The outcome carried by an event: `started` opens a step, the others close it. */
export const EVENT_STATUSES = ['started', 'ok', 'failed', 'skipped'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * A check's verdict on one observation. `error` and `no_data` count as failures, never as passes;
 * `inconclusive` (a statistical analysis that can neither show a regression nor rule one out yet)
 * fails nothing by itself, and the analysis settles it at the end of the bake per onInconclusive.
 */
export const CHECK_STATUSES = ['pass', 'fail', 'error', 'no_data', 'inconclusive'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Batch and component states in the result object. */
export const STEP_STATUSES = [
  'succeeded',
  'failed',
  'rolled_back',
  'halted',
  'cancelled',
  'not_started',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A rollback of one target ends in one of these. */
export const ROLLBACK_STATUSES = ['rolled_back', 'failed', 'no_previous_version'] as const;
export type RollbackStatus = (typeof ROLLBACK_STATUSES)[number];
