/**
 * A command check: a shell command run with the target's TRANCHE_* variables. Exit 0 passes;
 * a last line of output `{"value": n}` gives a number to record and to hold against max/min.
 */
import { commandEnv } from '../engine/command-env.ts';
import type { CommandContext, Executor } from '../engine/ports.ts';
import type { CommandCheckSpec } from './check-specs.ts';
import { type CheckOutcome, lastLine, seconds } from './outcome.ts';

export async function runCommandCheck(
  spec: CommandCheckSpec,
  context: CommandContext,
  cwd: string,
  executor: Executor,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  const result = await executor.run(
    {
      command: spec.command,
      cwd,
      env: commandEnv({ ...context, action: 'check' }),
      timeoutMs: spec.timeoutMs,
    },
    signal,
  );
  const bounded = spec.max !== undefined || spec.min !== undefined;
  const threshold = bounded ? { max: spec.max, min: spec.min } : undefined;

  if (result.timedOut)
    return { status: 'error', threshold, message: `timed out after ${seconds(spec.timeoutMs)}` };
  if (result.cancelled) return { status: 'error', threshold, message: 'cancelled' };

  const parsed = parseValue(result.stdout);
  const value = parsed.kind === 'value' ? parsed.value : undefined;
  const output = lastLine(result.stderr) || lastLine(result.stdout);
  const detail = output ? `: ${output}` : '';

  if (result.exitCode === null) {
    const how = result.signal ? `was killed by ${result.signal}` : 'could not run';
    return { status: 'error', value, threshold, message: `command ${how}${detail}` };
  }
  if (result.exitCode !== 0) {
    return {
      status: 'fail',
      value,
      threshold,
      message: `command exited with code ${result.exitCode}${detail}`,
    };
  }
  if (!bounded) {
    return { status: 'pass', value, message: value === undefined ? 'exited 0' : `exited 0, value ${value}` };
  }
  if (parsed.kind !== 'value') {
    return { status: 'no_data', threshold, message: `${parsed.why}; expected one for ${limits(spec)}` };
  }
  if (spec.max !== undefined && parsed.value > spec.max) {
    return { status: 'fail', value, threshold, message: `value ${value} is greater than max ${spec.max}` };
  }
  if (spec.min !== undefined && parsed.value < spec.min) {
    return { status: 'fail', value, threshold, message: `value ${value} is less than min ${spec.min}` };
  }
  return { status: 'pass', value, threshold, message: `value ${value} is within limits (${limits(spec)})` };
}

type Parsed = { kind: 'value'; value: number } | { kind: 'none'; why: string };

/** The `{"value": n}` on the last non-empty line of stdout, if there is one with a finite n. */
export function parseValue(stdout: string): Parsed {
  const line = lastLine(stdout, Number.POSITIVE_INFINITY);
  if (!line) return { kind: 'none', why: 'printed no output, so no {"value": n}' };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: 'none', why: 'last line of output is not {"value": n}' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Object.hasOwn(json, 'value')) {
    return { kind: 'none', why: 'last line of output is not {"value": n}' };
  }
  const value: unknown = (json as { value: unknown }).value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return {
      kind: 'none',
      why: `"value" on the last line of output is not a finite number: ${JSON.stringify(value)}`,
    };
  }
  return { kind: 'value', value };
}

function limits(spec: CommandCheckSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`min ${spec.min}`);
  if (spec.max !== undefined) parts.push(`max ${spec.max}`);
  return parts.join(', ');
}
