import type { Clock, DeployEvent, EngineLedger, Reporter } from './ports.ts';

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

  async emit(input: EventInput): Promise<DeployEvent> {
    this.seq += 1;
    const event: DeployEvent = { ...this.base, seq: this.seq, at: this.clock.now(), ...input };
    await this.ledger.record(event);
    await this.reporter.event(event);
    return event;
  }
}
