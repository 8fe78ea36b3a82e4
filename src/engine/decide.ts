import type { CheckResult, CommandResult } from './ports.ts';
import type { CheckStatus, OnFailure, ReasonCode, StepDecision } from './vocabulary.ts';

export interface StepFailure {
  reasonCode: ReasonCode;
  message: string;
}

export interface StepVerdict {
  decision: StepDecision;
  reasonCode: ReasonCode;
  message: string;
}

/** The decision after a step: continue when nothing failed, otherwise what onFailure says. */
export function decideStep(failure: StepFailure | undefined, onFailure: OnFailure): StepVerdict {
  if (!failure) return { decision: 'continue', reasonCode: 'all_batches_healthy', message: 'healthy' };
  const decision: StepDecision = onFailure === 'halt' ? 'halt' : 'rollback';
  return { decision, ...failure };
}

/** Why a deploy command failed, or undefined when it succeeded; `subject` names the command in messages. */
export function deployFailure(
  target: string,
  result: CommandResult,
  timeoutMs: number,
  subject = `deploy of ${target}`,
): StepFailure | undefined {
  if (result.timedOut) {
    return {
      reasonCode: 'deploy_timed_out',
      message: `${subject} timed out after ${(timeoutMs / 1000).toFixed(2)} s`,
    };
  }
  if (result.cancelled) return { reasonCode: 'cancelled', message: `${subject} was cancelled` };
  if (result.exitCode === 0) return undefined;
  const how =
    result.exitCode === null ? `signal ${result.signal ?? 'unknown'}` : `exit code ${result.exitCode}`;
  const last = lastLine(result.stderr) || lastLine(result.stdout);
  return {
    reasonCode: 'deploy_command_failed',
    message: `${subject} failed with ${how}${last ? `: ${last}` : ''}`,
  };
}

const CHECK_REASONS: Record<Exclude<CheckStatus, 'pass' | 'inconclusive'>, ReasonCode> = {
  fail: 'check_failed',
  error: 'check_errored',
  no_data: 'check_no_data',
};

/**
 * Why a check observation failed; errors and missing data are failures, never passes. An
 * inconclusive analysis fails nothing: its check settles it at the end of the bake.
 */
export function checkFailure(target: string, result: CheckResult): StepFailure | undefined {
  if (result.status === 'pass' || result.status === 'inconclusive') return undefined;
  return {
    reasonCode: CHECK_REASONS[result.status],
    message: `check ${result.check} on ${target}: ${result.message}`,
  };
}

/** The last line a command printed, clipped: what a failure's message quotes of its output. */
export function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 200);
}
