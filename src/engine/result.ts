/** The one versioned object every run ends with (`tranche deploy --json`, the Action's `result` output). */
import type { ReasonCode, RollbackStatus, RunDecision, StepStatus } from './vocabulary.ts';

export const RESULT_SCHEMA_VERSION = 1;

export interface BatchResult {
  number: number;
  targets: string[];
  status: StepStatus;
  durationMs: number;
}

export interface ComponentResult {
  name: string;
  status: StepStatus;
  batches: BatchResult[];
}

export interface RollbackResult {
  component: string;
  target: string;
  /** The version that was taken off the target. */
  from: string;
  /** The target's last good version; null when it had none. */
  to: string | null;
  status: RollbackStatus;
}

/** Every numeric observation of one check, in order, for plots and verdict lines. */
export interface CheckSeries {
  check: string;
  /** What the values measure, as the check reported it (`p95`, `e-value`). */
  metric?: string | undefined;
  unit?: string | undefined;
  /** `log`: plots draw log10 of the values (and of the limit), the verdict line names the metric. */
  scale?: 'log' | undefined;
  max?: number | undefined;
  min?: number | undefined;
  points: { at: number; target: string; value: number; status: string }[];
}

export interface DeployResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  runId: string;
  service: string;
  environment: string;
  version: string;
  /** The environment's live version before this run; null for a first deploy. */
  previousVersion: string | null;
  commit: string | null;
  decision: RunDecision;
  reasonCode: ReasonCode;
  /** One line a person reads: what happened and where. */
  message: string;
  components: ComponentResult[];
  rolledBack: RollbackResult[];
  checks: CheckSeries[];
  startedAt: number;
  durationMs: number;
}
