import type { Clock, DeployEvent, EngineLedger, Reporter } from './ports.ts';
import { redactDeep } from './redact.ts';

export type EventInput = Omit<DeployEvent, 'runId' | 'seq' | 'at' | 'service' | 'environment' | 'version'>;

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
    this.seq += 1;
    // The one way out of a run: no URL credentials get past it into the ledger or any report.
    const event: DeployEvent = redactDeep({ ...this.base, seq: this.seq, at: this.clock.now(), ...input });
    let failed: { error: unknown } | undefined;
    try {
      await this.ledger.record(event);
    } catch (error) {
      failed = { error };
    }
    await this.reporter.event(event);
    if (failed) throw failed.error;
    return event;
  }

  /**
   * emit() for the steps that must go on whatever the ledger does (rollback, the terminal event):
   * resolves to the recording error, or undefined once recorded.
   */
  async emitAnyway(input: EventInput): Promise<unknown> {
    try {
      await this.emit(input);
      return undefined;
    } catch (error) {
      return error ?? new Error('the event could not be recorded');
    }
  }
}
