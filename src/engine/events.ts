import type { Clock, DeployEvent, EngineLedger, Reporter } from './ports.ts';
import { redactDeep } from './redact.ts';

export type EventInput = Omit<DeployEvent, 'runId' | 'seq' | 'at' | 'service' | 'environment' | 'version'>;

/** Whether a run's `run_started` event began a rollback (its `action`, as the run records it). */
export function startsRollback(event: DeployEvent): boolean {
  return event.kind === 'run_started' && event.data?.action === 'rollback';
}

/** Stamps events with the run's identity, order and time, then records and reports them. */
export class EventSink {
  private seq = 0;
  private readonly ledger: EngineLedger;
  private readonly reporter: Reporter;
  private readonly clock: Clock;
  private readonly base: Pick<DeployEvent, 'runId' | 'service' | 'environment' | 'version'>;

  constructor(
    base: Pick<DeployEvent, 'runId' | 'service' | 'environment' | 'version'>,
    ports: { ledger: EngineLedger; reporter: Reporter; clock: Clock },
  ) {
    this.base = base;
    this.ledger = ports.ledger;
    this.reporter = ports.reporter;
    this.clock = ports.clock;
  }

  /**
   * Records the event, then reports it — also when recording failed, so a person still sees what
   * happened while the ledger is down; then a recording error is thrown.
   */
  async emit(input: EventInput): Promise<DeployEvent> {
    const event = this.stamp(input);
    await this.deliver([event], () => this.ledger.record(event));
    return event;
  }

  /**
   * emit() for events that happen together (a batch command's per-target results): recorded in
   * one transaction, all or none, then reported in order.
   */
  async emitAll(inputs: readonly EventInput[]): Promise<DeployEvent[]> {
    const events = inputs.map((input) => this.stamp(input));
    if (events.length > 0) await this.deliver(events, () => this.ledger.recordEvents(events));
    return events;
  }

  /**
   * emit() for the steps that must go on whatever the ledger does (rollback, the terminal event):
   * resolves to the recording error, or undefined once recorded.
   */
  emitAnyway(input: EventInput): Promise<unknown> {
    return settled(this.emit(input));
  }

  /** emitAll() for the steps that must go on whatever the ledger does, as emitAnyway(). */
  emitAllAnyway(inputs: readonly EventInput[]): Promise<unknown> {
    return settled(this.emitAll(inputs));
  }

  private stamp(input: EventInput): DeployEvent {
    this.seq += 1;
    // The one way out of a run: no URL credentials get past it into the ledger or any report.
    return redactDeep({ ...this.base, seq: this.seq, at: this.clock.now(), ...input });
  }

  private async deliver(events: readonly DeployEvent[], record: () => Promise<void>): Promise<void> {
    let failed: { error: unknown } | undefined;
    try {
      await record();
    } catch (error) {
      failed = { error };
    }
    for (const event of events) await this.reporter.event(event);
    if (failed) throw failed.error;
  }
}

/** Resolves to the error the emit threw, or undefined once recorded. */
async function settled(emitted: Promise<unknown>): Promise<unknown> {
  try {
    await emitted;
    return undefined;
  } catch (error) {
    return error ?? new Error('the event could not be recorded');
  }
}
