/**
 * The engine's events as notices: a Reporter beside the progress output and the check run, so
 * every front door that runs the engine notifies the same way. It hands notices to the
 * notifier and returns at once: the rollout never waits for a delivery.
 */
import { startsRollback } from '../engine/events.ts';
import type { DeployEvent, Reporter } from '../engine/ports.ts';
import type { RunDecision } from '../engine/vocabulary.ts';
import type { NoticeKind } from './kinds.ts';
import type { Notice, NoticeLink } from './notice.ts';

export interface RunNoticeContext {
  /** Who started the run. */
  who: string | null;
  /** The check run, the deployment, the CI job: whatever this front door has. */
  links: NoticeLink[];
}

export interface NoticeSink {
  send(notice: Notice): void;
}

const DECISION_NOTICES: Record<RunDecision, NoticeKind> = {
  succeeded: 'succeeded',
  rolled_back: 'rolled_back',
  halted: 'stopped',
  cancelled: 'stopped',
};

export class RunNoticeReporter implements Reporter {
  private readonly sink: NoticeSink;
  private readonly context: RunNoticeContext;
  private commit: string | null = null;
  private rollback = false;

  constructor(sink: NoticeSink, context: RunNoticeContext) {
    this.sink = sink;
    this.context = context;
  }

  event(event: DeployEvent): void {
    const notice = this.noticeOf(event);
    if (notice) this.sink.send(notice);
  }

  private noticeOf(event: DeployEvent): Notice | undefined {
    const where = `${event.service} ${event.version}`;
    if (event.kind === 'run_started') {
      this.commit = typeof event.data?.commit === 'string' ? event.data.commit : null;
      this.rollback = startsRollback(event);
      const previous = typeof event.data?.previousVersion === 'string' ? event.data.previousVersion : null;
      const verb = this.rollback ? 'rolling back to' : 'deploying';
      return this.notice(
        event,
        'run_started',
        `${verb} ${where} in ${event.environment}`,
        previous ? `live: ${previous}` : null,
      );
    }
    if (event.kind === 'batch_finished' && event.status === 'failed') {
      const title = `${where}: ${event.component} batch ${event.batch} failed in ${event.environment}`;
      return this.notice(event, 'batch_failed', title, event.message ?? null);
    }
    if (event.kind === 'run_finished') {
      const decision = event.data?.decision as RunDecision | undefined;
      const kind = decision ? DECISION_NOTICES[decision] : undefined;
      if (!kind) return undefined;
      const done = `${this.rollback ? 'rollback to ' : ''}${where}`;
      const title =
        kind === 'succeeded'
          ? `${done} is live in ${event.environment}`
          : `${done} ${decision?.replace('_', ' ')} in ${event.environment}`;
      return this.notice(event, kind, title, kind === 'succeeded' ? null : (event.message ?? null));
    }
    return undefined;
  }

  private notice(event: DeployEvent, kind: NoticeKind, title: string, detail: string | null): Notice {
    return {
      kind,
      service: event.service,
      environments: [event.environment],
      version: event.version,
      commit: this.commit,
      who: this.context.who,
      title,
      detail,
      runId: event.runId,
      at: event.at,
      links: this.context.links,
    };
  }
}
