import type { TargetSpec } from './ports.ts';
import type { ComponentResult } from './result.ts';
import type { ReasonCode, StepStatus } from './vocabulary.ts';

interface BatchState {
  targets: TargetSpec[];
  status: StepStatus;
  durationMs: number;
  /** Started and not finished. */
  running: boolean;
}

interface ComponentState {
  name: string;
  started: boolean;
  batches: BatchState[];
}

/** Where each component and batch of a run stands; becomes the result's `components`. */
export class RunState {
  private readonly components: ComponentState[];

  constructor(components: { name: string; batches: TargetSpec[][] }[]) {
    this.components = components.map((c) => ({
      name: c.name,
      started: false,
      batches: c.batches.map((targets) => ({
        targets,
        status: 'not_started',
        durationMs: 0,
        running: false,
      })),
    }));
  }

  batchesOf(component: number): TargetSpec[][] {
    return this.component(component).batches.map((b) => b.targets);
  }

  startComponent(component: number): void {
    this.component(component).started = true;
  }

  startBatch(component: number, batch: number): void {
    const state = this.batch(component, batch);
    state.running = true;
    // A batch cut short by cancellation never finishes: it reads as cancelled.
    state.status = 'cancelled';
  }

  finishBatch(component: number, batch: number, failure: ReasonCode | undefined, durationMs: number): void {
    const state = this.batch(component, batch);
    state.running = false;
    state.durationMs = durationMs;
    state.status = failure === undefined ? 'succeeded' : failure === 'cancelled' ? 'cancelled' : 'failed';
  }

  /** An error stopped the run: the batch it was in failed (rather than being cancelled). */
  failRunning(): void {
    for (const batch of this.components.flatMap((c) => c.batches)) {
      if (!batch.running) continue;
      batch.running = false;
      batch.status = 'failed';
    }
  }

  lastStartedComponent(): string | undefined {
    return this.components.filter((c) => c.started).at(-1)?.name;
  }

  /** onFailure: halt — what was deployed stays, and says so. */
  halt(): void {
    for (const batch of this.components.flatMap((c) => c.batches)) {
      if (batch.status === 'succeeded') batch.status = 'halted';
    }
  }

  /** The named components' deployed batches were rolled back. */
  rolledBack(components: Set<string>): void {
    for (const component of this.components.filter((c) => components.has(c.name))) {
      for (const batch of component.batches) {
        if (batch.status === 'succeeded') batch.status = 'rolled_back';
      }
    }
  }

  results(): ComponentResult[] {
    return this.components.map((c, index) => ({
      name: c.name,
      status: this.componentStatus(index),
      batches: c.batches.map((b, i) => ({
        number: i + 1,
        targets: b.targets.map((t) => t.name),
        status: b.status,
        durationMs: b.durationMs,
      })),
    }));
  }

  private componentStatus(index: number): StepStatus {
    const statuses = this.component(index).batches.map((b) => b.status);
    for (const status of ['failed', 'cancelled', 'rolled_back', 'halted'] as const) {
      if (statuses.includes(status)) return status;
    }
    return statuses.every((s) => s === 'succeeded') ? 'succeeded' : 'not_started';
  }

  private component(index: number): ComponentState {
    const state = this.components[index];
    if (!state) throw new RangeError(`no component ${index}`);
    return state;
  }

  private batch(component: number, batch: number): BatchState {
    const state = this.component(component).batches[batch];
    if (!state) throw new RangeError(`no batch ${batch} in component ${component}`);
    return state;
  }
}
