/**
 * `ledger: github`: the ledger for a bare Action, with no database. Versions are tags (see
 * tag-versions.ts); the durable records are the GitHub deployments, their statuses and the check
 * runs the Action writes. What a rollback needs — each target's last good version — comes from the
 * environment's live deployment (its payload's version) and what this run did, kept in memory.
 * History (`runs`, `events`) is this process's: earlier runs are on GitHub's deployments page.
 */
import type { DeployEvent, TargetUpdate } from '../engine/ports.ts';
import { REASON_CODES, RUN_DECISIONS } from '../engine/vocabulary.ts';
import { storedActor } from '../ledger/actor.ts';
import type {
  DeployLedger,
  EventFilter,
  HistoryFilter,
  RecordedTargetState,
  RunRecord,
  VersionRecord,
} from '../ledger/types.ts';
import type { GitHubClient, RepoRef } from './client.ts';
import { allocateTagVersion, listVersionTags, numberOf } from './tag-versions.ts';

export interface GitHubLedgerOptions {
  client: GitHubClient;
  repo: RepoRef;
  /** The version the environment's live deployment carries; null when nothing is live. */
  liveVersion: string | null;
  /** Every target of the environment, which the live version runs on. */
  targets: { component: string; target: string }[];
  /** The version template, to read release numbers back from tags. */
  template: string;
}

export class GitHubLedger implements DeployLedger {
  private readonly options: GitHubLedgerOptions;
  private readonly states = new Map<string, RecordedTargetState>();
  private readonly recorded: DeployEvent[] = [];

  constructor(options: GitHubLedgerOptions) {
    this.options = options;
    for (const { component, target } of options.targets) {
      const version = options.liveVersion;
      // What the live deployment put there, by a run the tags do not name.
      const state = { component, target, version, goodVersion: version, runId: null };
      this.states.set(key(component, target), state);
    }
  }

  nextVersion(service: string, commit: string | null, template: string, now: number): Promise<VersionRecord> {
    if (commit === null) {
      return Promise.reject(new Error('the GitHub ledger tags the deployed commit: give the commit SHA'));
    }
    return allocateTagVersion(this.options.client, this.options.repo, { service, commit, template, now });
  }

  /** Tagged versions, oldest number first; a tag carries no time, so createdAt is 0. */
  async versions(service: string): Promise<VersionRecord[]> {
    const tags = await listVersionTags(this.options.client, this.options.repo, service);
    return tags
      .map((tag) => ({ tag, n: numberOf(tag.version, this.options.template) }))
      .filter((t): t is { tag: (typeof tags)[number]; n: number } => t.n !== undefined)
      .sort((a, b) => a.n - b.n)
      .map(({ tag, n }) => ({ service, n, version: tag.version, commit: tag.commit, createdAt: 0 }));
  }

  async targetStates(): Promise<RecordedTargetState[]> {
    return [...this.states.values()];
  }

  async updateTargets(
    _service: string,
    _environment: string,
    runId: string,
    updates: TargetUpdate[],
  ): Promise<void> {
    for (const update of updates) {
      const id = key(update.component, update.target);
      const before = this.states.get(id);
      this.states.set(id, {
        component: update.component,
        target: update.target,
        version: update.version,
        goodVersion: update.good ? update.version : (before?.goodVersion ?? null),
        runId,
      });
    }
  }

  async record(event: DeployEvent): Promise<void> {
    this.recorded.push(event);
  }

  async recordEvents(events: readonly DeployEvent[]): Promise<void> {
    for (const event of events) this.recorded.push(event);
  }

  async runs(filter: HistoryFilter): Promise<RunRecord[]> {
    const finished = new Map(this.recorded.filter((e) => e.kind === 'run_finished').map((e) => [e.runId, e]));
    return this.recorded
      .filter((e) => e.kind === 'run_started')
      .filter((e) => matches(e, filter) && (filter.since === undefined || e.at >= filter.since))
      .reverse()
      .slice(0, filter.limit)
      .map((start) => runRecord(start, finished.get(start.runId)));
  }

  async events(filter: EventFilter): Promise<DeployEvent[]> {
    return this.recorded.filter(
      (e) =>
        (filter.runId === undefined || e.runId === filter.runId) &&
        matches(e, filter) &&
        (!filter.withDuration || e.durationMs !== undefined),
    );
  }

  async close(): Promise<void> {}
}

function matches(
  event: DeployEvent,
  filter: { service?: string | undefined; environment?: string | undefined; version?: string | undefined },
): boolean {
  return (
    (filter.service === undefined || event.service === filter.service) &&
    (filter.environment === undefined || event.environment === filter.environment) &&
    (filter.version === undefined || event.version === filter.version)
  );
}

function runRecord(start: DeployEvent, end: DeployEvent | undefined): RunRecord {
  const decision = RUN_DECISIONS.find((d) => d === end?.data?.decision) ?? null;
  const reasonCode = REASON_CODES.find((r) => r === end?.reasonCode) ?? null;
  const commit = start.data?.commit;
  return {
    runId: start.runId,
    service: start.service,
    environment: start.environment,
    version: start.version,
    commit: typeof commit === 'string' ? commit : null,
    startedAt: start.at,
    finishedAt: end?.at ?? null,
    decision,
    reasonCode,
    durationMs: end?.durationMs ?? null,
    actor: storedActor(start.data?.actor),
  };
}

function key(component: string, target: string): string {
  return `${component}\u0000${target}`;
}
