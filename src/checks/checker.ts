/**
 * The checker the engine talks to: runs a check by its kind and guarantees a verdict. Whatever goes
 * wrong inside a check (a thrown exception, a rejected promise) is an `error`, never a pass.
 */
import type {
  BatchCheckContext,
  Checker,
  CheckResult,
  CheckSpec,
  CommandContext,
  Executor,
} from '../engine/ports.ts';
import { CHECK_STATUSES } from '../engine/vocabulary.ts';
import { runAnalysisCheck } from './analysis.ts';
import type { BatchCheck, RequestAuth, TargetCheck } from './check-specs.ts';
import { runCommandCheck } from './command.ts';
import { type FetchLike, runHttpCheck } from './http.ts';
import { type CheckOutcome, errorText } from './outcome.ts';
import { runPrometheusCheck } from './prometheus.ts';
import { requestHeaders, withHeaders } from './request-auth.ts';

export interface CheckerOptions {
  /** Runs command checks. */
  executor: Executor;
  /** Default: the global fetch. */
  fetchImpl?: FetchLike | undefined;
  /** Milliseconds, for latencies and durations; default performance.now. */
  now?: (() => number) | undefined;
  /** Epoch milliseconds a per-target Prometheus query is evaluated at; default Date.now. */
  wallClock?: (() => number) | undefined;
  /** Where the secrets of checks' auth and headers are read from; default: none. */
  env?: Record<string, string | undefined> | undefined;
}

export type { CheckOutcome } from './outcome.ts';
export { percentile } from './percentile.ts';

export function createChecker(options: CheckerOptions): Checker {
  const now = options.now ?? (() => performance.now());
  const fetchImpl = options.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const wallClock = options.wallClock ?? (() => Date.now());
  /** Runs `work` with a fetch that authenticates as `auth` asks, or fails the check saying what is missing. */
  const authenticated = async (
    auth: RequestAuth | undefined,
    work: (fetchImpl: FetchLike) => Promise<CheckOutcome>,
  ): Promise<CheckOutcome> => {
    const made = requestHeaders(auth, options.env ?? {});
    if (!made.ok) return { status: 'error', message: made.message };
    return work(withHeaders(fetchImpl, made.headers));
  };
  const run = (
    spec: TargetCheck,
    context: CommandContext,
    cwd: string,
    signal?: AbortSignal,
  ): Promise<CheckOutcome> => {
    switch (spec.kind) {
      case 'command':
        return runCommandCheck(spec, context, cwd, options.executor, signal).then((outcome) => ({
          ...outcome,
          unit: spec.unit,
        }));
      case 'http':
        return authenticated(spec.auth, (fetch) =>
          runHttpCheck(spec, context, signal, { fetchImpl: fetch, now }),
        );
      case 'prometheus':
        return authenticated(spec.auth, (fetch) =>
          runPrometheusCheck(spec, context, { fetchImpl: fetch, now: wallClock }, signal),
        );
      default:
        throw new Error(`unknown check kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
    }
  };
  const runBatch = (spec: BatchCheck, context: BatchCheckContext, signal?: AbortSignal) => {
    if (spec.kind !== 'analysis') {
      throw new Error(`unknown batch check kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
    }
    return authenticated(spec.auth, (fetch) => runAnalysisCheck(spec, context, { fetchImpl: fetch }, signal));
  };
  /** Times the check and turns whatever goes wrong into an error outcome. */
  const guarded = async (spec: CheckSpec, work: () => Promise<CheckOutcome>): Promise<CheckResult> => {
    const start = now();
    let outcome: CheckOutcome;
    try {
      outcome = sane(await work());
    } catch (error) {
      outcome = { status: 'error', message: `check raised an error: ${errorText(error)}` };
    }
    const durationMs = Math.max(0, now() - start);
    return { ...outcome, check: checkName(spec), durationMs: Number.isFinite(durationMs) ? durationMs : 0 };
  };
  // The engine hands back the checks config/resolve.ts built: the kinds of check-specs.ts.
  return {
    run: (spec: TargetCheck, context: CommandContext, cwd: string, signal?: AbortSignal) =>
      guarded(spec, () => run(spec, context, cwd, signal)),
    runBatch: (spec: BatchCheck, context: BatchCheckContext, signal?: AbortSignal) =>
      guarded(spec, () => runBatch(spec, context, signal)),
  };
}

/** An outcome with a status outside the vocabulary is an error, not whatever it claims. */
function sane(outcome: CheckOutcome): CheckOutcome {
  if (!(CHECK_STATUSES as readonly string[]).includes(outcome.status)) {
    return { status: 'error', message: `check returned an unknown status ${JSON.stringify(outcome.status)}` };
  }
  return outcome;
}

function checkName(spec: CheckSpec): string {
  return typeof spec.name === 'string' ? spec.name : 'check';
}
