/**
 * Batch commands (ComponentSpec.commandsPer `batch`): one deploy, rollback or check command per
 * batch, the fleet tool it calls fanning out itself. The command learns the batch's targets from a
 * file and reports a result per target; here, those results become each target's outcome. A
 * target the command did not report failed, whatever the command's exit code.
 */
import { deployFailure, type StepFailure } from './decide.ts';
import type {
  BatchCommandRequest,
  BatchCommandResult,
  BatchTarget,
  Executor,
  ReleaseSpec,
  TargetOutcome,
} from './ports.ts';
import type { Action } from './vocabulary.ts';

/** The TRANCHE_* variables of a batch command: those of a target's command, less the target's own. */
export function batchCommandEnv(
  spec: ReleaseSpec,
  what: { component: string; version: string; previousVersion: string | null; batch: number; action: Action },
): Record<string, string> {
  return {
    TRANCHE_SERVICE: spec.service,
    TRANCHE_ENVIRONMENT: spec.environment,
    TRANCHE_ENVIRONMENT_LABELS: JSON.stringify(spec.environmentLabels ?? {}),
    TRANCHE_COMPONENT: what.component,
    TRANCHE_VERSION: what.version,
    TRANCHE_PREVIOUS_VERSION: what.previousVersion ?? '',
    TRANCHE_BATCH: String(what.batch),
    TRANCHE_ACTION: what.action,
    TRANCHE_COMMIT: spec.commit ?? '',
  };
}

/** Runs the batch command; an executor that cannot, or throws, reports no target. */
export async function runBatchCommand(
  executor: Executor,
  request: BatchCommandRequest,
  signal?: AbortSignal,
): Promise<BatchCommandResult> {
  const nothing = (problem: string): BatchCommandResult => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    durationMs: 0,
    stdout: '',
    stderr: problem,
    outcomes: new Map(),
    resultsProblem: problem,
  });
  if (!executor.runBatch) return nothing('this executor cannot run batch commands');
  try {
    return await executor.runBatch(request, signal);
  } catch (error) {
    return nothing(`could not run: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface TargetVerdict {
  target: BatchTarget;
  /** Undefined when the command reported the target ok. */
  failure?: StepFailure | undefined;
}

/**
 * Each target's outcome of one batch command (`what` names it in messages: `deploy`,
 * `rollback`, `check`). A target reported ok is ok; one reported failed fails with the command's
 * message for it; one not reported fails with why: the command failed, timed out or was cancelled,
 * or it did not write the target into its results file.
 */
export function targetVerdicts(
  result: BatchCommandResult,
  targets: readonly BatchTarget[],
  what: string,
  timeoutMs: number,
): TargetVerdict[] {
  const commandFailure = deployFailure('', result, timeoutMs, `the batch ${what} command`);
  return targets.map((target) => {
    const outcome: TargetOutcome | undefined = result.outcomes.get(target.name);
    if (outcome?.ok) return { target };
    if (outcome) {
      return {
        target,
        failure: {
          reasonCode: 'deploy_command_failed',
          message: `${what} of ${target.name} failed${outcome.message ? `: ${outcome.message}` : ''}`,
        },
      };
    }
    if (commandFailure?.reasonCode === 'cancelled' || commandFailure?.reasonCode === 'deploy_timed_out') {
      return { target, failure: { ...commandFailure, message: `${target.name}: ${commandFailure.message}` } };
    }
    const why = result.resultsProblem ?? `its results file does not report ${target.name}`;
    const also = commandFailure ? `; ${commandFailure.message}` : '';
    return {
      target,
      failure: {
        reasonCode: 'deploy_command_failed',
        message: `${what} of ${target.name} counts as failed: ${why}${also}`,
      },
    };
  });
}

/**
 * The step's failure: the first failed target's, else the command's own when it failed although it
 * reported every target ok (a non-zero exit is never a success).
 */
export function batchFailure(
  verdicts: readonly TargetVerdict[],
  result: BatchCommandResult,
  what: string,
  timeoutMs: number,
): StepFailure | undefined {
  return (
    verdicts.find((v) => v.failure)?.failure ??
    deployFailure('', result, timeoutMs, `the batch ${what} command`)
  );
}
