/**
 * Following a run from the ledger while another process (or machine) writes it: poll for the
 * run's events after the last seq shown, hand them to a reporter in seq order, stop at
 * run_finished.
 */
import type { Clock, DeployEvent, Reporter } from '../engine/ports.ts';
import { RUN_DECISIONS, type RunDecision } from '../engine/vocabulary.ts';
import type { Ledger } from '../ledger/types.ts';

/** How long a missing seq is waited for before the events after it are shown anyway. */
export const GAP_WAIT_MS = 5_000;
const PAGE = 500;

/**
 * Puts a run's events in seq order as they arrive. Events written concurrently (targets of one
 * batch) can become visible out of order, so a seq that is missing while later ones are there is
 * waited for, up to GAP_WAIT_MS; once run_finished is there, nothing is still coming.
 */
export class SeqCursor {
  /** The seq shown last; 0 before the first. */
  last = 0;
  private gapSince: number | null = null;

  /** Takes a page of events after `last`, in seq order; returns those to show now. */
  take(page: DeployEvent[], now: number): DeployEvent[] {
    const ready: DeployEvent[] = [];
    const finished = page.some((e) => e.kind === 'run_finished');
    for (const event of page) {
      if (event.seq <= this.last) continue;
      if (event.seq > this.last + 1 && !finished) {
        this.gapSince ??= now;
        if (now - this.gapSince < GAP_WAIT_MS) break;
      }
      ready.push(event);
      this.last = event.seq;
      this.gapSince = null;
    }
    return ready;
  }
}

export interface FollowOutcome {
  /** The run's decision, or null if following stopped (the signal, or the run gone) before run_finished. */
  decision: RunDecision | null;
  finished: boolean;
  /** Why the run will not finish (its process died), when that stopped following. */
  gone?: string | undefined;
}

/** Shows the run's events as they are recorded until run_finished, or until `signal` aborts. */
export async function followRun(
  ledger: Ledger,
  runId: string,
  reporter: Reporter,
  options: {
    clock: Clock;
    pollMs: number;
    signal?: AbortSignal;
    /** Asked when a poll finds nothing new: why the run will not go on, or undefined while it may. */
    gone?: () => Promise<string | undefined>;
  },
): Promise<FollowOutcome> {
  const cursor = new SeqCursor();
  let goneWhy: string | undefined;
  while (!options.signal?.aborted) {
    const page = await ledger.events({ runId, afterSeq: cursor.last, limit: PAGE });
    const ready = cursor.take(page, options.clock.now());
    for (const event of ready) {
      await reporter.event(event);
      if (event.kind === 'run_finished') {
        const decision = RUN_DECISIONS.find((d) => d === event.data?.decision) ?? null;
        return { decision, finished: true };
      }
    }
    // Gone before this poll read the events, with none after them: nothing more will come. Events
    // after it say otherwise, and it is asked again when the run is quiet.
    if (goneWhy !== undefined && page.length === 0) return { decision: null, finished: false, gone: goneWhy };
    goneWhy = undefined;
    if (page.length === 0 && options.gone) {
      goneWhy = await options.gone();
      // One more look at once: an end recorded just before the process went is shown, not lost.
      if (goneWhy !== undefined) continue;
    }
    // A full page shown in full: more may be waiting already.
    if (page.length < PAGE || ready.length < page.length)
      await options.clock.sleep(options.pollMs, options.signal);
  }
  return { decision: null, finished: false };
}
