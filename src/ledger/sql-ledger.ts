/**
 * The Ledger, written once over a SqlConnection: SqliteLedger and PostgresLedger are this class
 * with their own way of opening a connection. The statements come from each store's `*-sql.ts`.
 */
import type { DeployEvent, TargetUpdate } from '../engine/ports.ts';
import { RUN_DECISIONS, type RunDecision } from '../engine/vocabulary.ts';
import { storedActor } from './actor.ts';
import { type SqlConnection, type SqlSession, within } from './connection.ts';
import type { DashboardActionInput, DashboardActionRecord } from './dashboard-action-types.ts';
import * as dashboard from './dashboard-actions.ts';
import { COUNT_PRUNABLE_DELIVERIES, PRUNE_DELIVERIES } from './deliveries-sql.ts';
import {
  COUNT_PRUNABLE_EVENTS,
  EXPORT_EVENTS,
  EXPORT_RUNS,
  EXPORT_TARGET_STATES,
  EXPORT_VERSIONS,
  IMPORT_EVENT,
  IMPORT_RUN,
  IMPORT_RUN_FINISH,
  IMPORT_TARGET_STATE,
  PRUNE_EVENTS,
} from './exchange-sql.ts';
import * as fleet from './fleet-store.ts';
import type {
  OutcomeCount,
  OutcomeFilter,
  OutcomeInput,
  OutcomeRecord,
  PromotionFilter,
  PromotionKey,
  PromotionRecord,
  PromotionRequest,
  UnjudgedVersion,
  VerdictInput,
  VerdictRecord,
} from './fleet-types.ts';
import { acquireLockIn, leaseMs } from './lock-session.ts';
import { FORCE_RELEASE_LOCK, RELEASE_LOCK, RENEW_LOCK, SELECT_LOCKS } from './locks-sql.ts';
import * as redeliveries from './redeliveries.ts';
import type { RedeliveryKept, WebhookRedelivery } from './redelivery-types.ts';
import { ReleaseQueue } from './release-queue.ts';
import { nullableString, toEvent, toLock, toRun, toTarget, toVersion } from './rows.ts';
import {
  FINISH_RUN,
  INSERT_EVENT,
  INSERT_RUN,
  SELECT_TARGET_STATES,
  selectEvents,
  selectRuns,
  UPSERT_TARGET_STATE,
} from './runs-sql.ts';
import * as owners from './service-owners.ts';
import {
  CREATE_SCHEMA_MIGRATIONS,
  INSERT_SCHEMA_MIGRATION,
  migrations,
  pendingMigrations,
  SELECT_SCHEMA_MIGRATIONS,
} from './sql.ts';
import { limited, type Params } from './statement.ts';
import {
  type EventFilter,
  type HistoryFilter,
  type ImportCounts,
  type Ledger,
  type LedgerReads,
  type LedgerRecord,
  type LockOutcome,
  type LockRecord,
  type LockRequest,
  type PruneResult,
  type RecordedTargetState,
  type RunRecord,
  type ServiceOwnerRecord,
  VersionClashError,
  type VersionRecord,
} from './types.ts';
import {
  BUMP_VERSION_COUNTER,
  INSERT_VERSION,
  RAISE_VERSION_COUNTER,
  SELECT_VERSION,
  SELECT_VERSION_BY_LABEL,
  SELECT_VERSIONS,
} from './versions-sql.ts';
import * as watch from './watch-transitions.ts';
import type { WatchTransition, WatchTransitionFilter, WatchTransitionRecord } from './watch-types.ts';

/** Events per query when exporting. */
const EXPORT_PAGE = 1000;

/**
 * Brings the schema up to date in one transaction, behind the backend's migration lock, so that
 * any number of processes opening a new ledger at once apply each step exactly once.
 */
export async function migrate(connection: SqlConnection): Promise<void> {
  const steps = migrations(connection.dialect);
  await connection.transaction(async (session) => {
    for (const statement of connection.migrationPreamble) await session.query(statement);
    await session.query(CREATE_SCHEMA_MIGRATIONS);
    const applied = (await session.query(SELECT_SCHEMA_MIGRATIONS)).map((row) => Number(row.version));
    for (const step of pendingMigrations(steps, applied, connection.description)) {
      for (const statement of step.statements) await session.query(statement);
      await session.query(INSERT_SCHEMA_MIGRATION, { version: step.version, applied_at: Date.now() });
    }
  });
}

/** The ledger in full: the bot's releases come from ReleaseQueue (release-queue.ts), the rest is here. */
export class SqlLedger extends ReleaseQueue implements Ledger {
  async nextVersion(
    service: string,
    commit: string | null,
    template: string,
    now: number,
  ): Promise<VersionRecord> {
    if (!template.includes('{n}')) {
      throw new Error(`version template "${template}" has no {n} placeholder for the counter`);
    }
    // Durable: a version handed out must survive a power cut, or it could be handed out twice.
    return this.connection.transaction(
      async (session) => {
        // A label is the service's alone, whatever template made it: a changed template can render
        // a new counter to a label an earlier one gave another ("1{n}" made 11 of #1, "{n}" would
        // make 11 of #11), so the counter moves past every label already taken.
        for (;;) {
          const [row] = await session.query(BUMP_VERSION_COUNTER, { service });
          const n = Number(row?.n);
          const version = template.replaceAll('{n}', String(n));
          if ((await session.query(SELECT_VERSION_BY_LABEL, { service, version })).length > 0) continue;
          await session.query(INSERT_VERSION, { service, n, version, commit_sha: commit, created_at: now });
          return { service, n, version, commit, createdAt: now };
        }
      },
      { durable: true },
    );
  }

  async versions(service: string): Promise<VersionRecord[]> {
    return (await this.connection.query(SELECT_VERSIONS, { service })).map(toVersion);
  }

  async record(event: DeployEvent): Promise<void> {
    await this.recordEvents([event]);
  }

  async recordEvents(events: readonly DeployEvent[]): Promise<void> {
    const [only] = events;
    if (!only) return;
    if (events.length === 1 && only.kind !== 'run_started' && only.kind !== 'run_finished') {
      // A single statement is its own transaction.
      await this.connection.query(INSERT_EVENT, eventParams(only));
      return;
    }
    await this.connection.transaction(async (session) => {
      for (const event of events) await insertEvent(session, event);
    });
  }

  async updateTargets(
    service: string,
    environment: string,
    runId: string,
    updates: TargetUpdate[],
  ): Promise<void> {
    if (updates.length === 0) return;
    const now = Date.now();
    await this.connection.transaction(async (session) => {
      for (const update of updates) {
        await session.query(UPSERT_TARGET_STATE, {
          service,
          environment,
          component: update.component,
          target: update.target,
          version: update.version,
          good_version: update.good ? update.version : null,
          run_id: runId,
          updated_at: now,
        });
      }
    });
  }

  async targetStates(service: string, environment: string): Promise<RecordedTargetState[]> {
    return (await this.connection.query(SELECT_TARGET_STATES, { service, environment })).map((row) => ({
      component: String(row.component),
      target: String(row.target),
      version: nullableString(row.version),
      goodVersion: nullableString(row.good_version),
      runId: nullableString(row.run_id),
    }));
  }

  /** Decisions and reason codes are read back as stored: history keeps codes a later vocabulary dropped. */
  async runs(filter: HistoryFilter): Promise<RunRecord[]> {
    const { sql, params } = selectRuns(filter);
    return (await this.connection.query(sql, params)).map(toRun);
  }

  async events(filter: EventFilter): Promise<DeployEvent[]> {
    const { sql, params } = selectEvents(filter);
    return (await this.connection.query(sql, params)).map(toEvent);
  }

  async acquireLock(name: string, holder: string, request: LockRequest, now: number): Promise<LockOutcome> {
    return this.connection.transaction((session) => acquireLockIn(session, name, holder, request, now));
  }

  async renewLock(name: string, holder: string, ttlMs: number, now: number): Promise<LockRecord | null> {
    const rows = await this.connection.query(RENEW_LOCK, {
      renewed_at: now,
      expires_at: now + leaseMs(ttlMs),
      name,
      holder,
      now,
    });
    return rows[0] ? toLock(rows[0]) : null;
  }

  async releaseLock(name: string, holder: string): Promise<LockRecord | null> {
    const rows = await this.connection.query(RELEASE_LOCK, { name, holder });
    return rows[0] ? toLock(rows[0]) : null;
  }

  async forceReleaseLock(name: string): Promise<LockRecord | null> {
    const rows = await this.connection.query(FORCE_RELEASE_LOCK, { name });
    return rows[0] ? toLock(rows[0]) : null;
  }

  async locks(now: number): Promise<LockRecord[]> {
    return (await this.connection.query(SELECT_LOCKS, { now })).map(toLock);
  }

  read<T>(work: (reads: LedgerReads) => Promise<T>): Promise<T> {
    return this.connection.snapshot((session) => work(new SqlLedger(within(this.connection, session))));
  }

  async *exportRecords(since: number): AsyncIterable<LedgerRecord> {
    for (const row of await this.connection.query(EXPORT_VERSIONS, { since })) {
      yield { type: 'version', version: toVersion(row) };
    }
    for (const row of await this.connection.query(EXPORT_RUNS, { since })) {
      yield { type: 'run', run: toRun(row) };
    }
    for (let after = 0; ; ) {
      const page = await this.connection.query(limited(EXPORT_EVENTS, EXPORT_PAGE, 'events'), {
        since,
        after_id: after,
      });
      for (const row of page) yield { type: 'event', event: toEvent(row) };
      if (page.length < EXPORT_PAGE) break;
      after = Number(page.at(-1)?.id);
    }
    for (const row of await this.connection.query(EXPORT_TARGET_STATES, { since })) {
      yield { type: 'target', target: toTarget(row) };
    }
    yield* fleet.exportFleetRecords(this.connection, since);
    for await (const transition of watch.exportWatchTransitions(this.connection, since)) {
      yield { type: 'watch', watch: transition };
    }
  }

  async importRecords(read: () => AsyncIterable<LedgerRecord>): Promise<ImportCounts> {
    return this.connection.transaction(async (session) => {
      const counts: ImportCounts = {
        version: { written: 0, present: 0 },
        run: { written: 0, present: 0 },
        event: { written: 0, present: 0 },
        target: { written: 0, present: 0 },
        outcome: { written: 0, present: 0 },
        verdict: { written: 0, present: 0 },
        watch: { written: 0, present: 0 },
      };
      for await (const record of read()) {
        const written = await importRecord(session, record);
        counts[record.type][written ? 'written' : 'present'] += 1;
      }
      return counts;
    });
  }

  async prune(before: number, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
    return this.connection.transaction(async (session) => {
      const removed: Record<string, number> = {};
      let events = 0;
      for (const row of await session.query(COUNT_PRUNABLE_EVENTS, { before })) {
        removed[String(row.kind)] = Number(row.n);
        events += Number(row.n);
      }
      if (!options.dryRun && events > 0) await session.query(PRUNE_EVENTS, { before });
      const [claims] = await session.query(COUNT_PRUNABLE_DELIVERIES, { before });
      const deliveries = Number(claims?.n ?? 0);
      if (!options.dryRun && deliveries > 0) await session.query(PRUNE_DELIVERIES, { before });
      const watchTransitions = await watch.pruneWatchTransitions(session, before, options.dryRun === true);
      return { before, removed, events, deliveries, watchTransitions };
    });
  }

  // Fleets: outcomes, verdicts, promotions (fleet-types.ts documents each).

  recordOutcome(outcome: OutcomeInput): Promise<boolean> {
    return this.connection.transaction((session) => fleet.insertOutcome(session, outcome));
  }

  recordOutcomes(outcomes: OutcomeInput[]): Promise<number> {
    return fleet.insertOutcomes(this.connection, outcomes);
  }

  outcomes(filter: OutcomeFilter): Promise<OutcomeRecord[]> {
    return fleet.queryOutcomes(this.connection, filter);
  }

  outcomeCounts(service: string): Promise<OutcomeCount[]> {
    return fleet.countOutcomes(this.connection, service);
  }

  unjudgedVersions(): Promise<UnjudgedVersion[]> {
    return fleet.queryUnjudged(this.connection);
  }

  settleUnjudged(unjudged: UnjudgedVersion): Promise<boolean> {
    return fleet.settleUnjudged(this.connection, unjudged);
  }

  recordVerdict(verdict: VerdictInput): Promise<VerdictRecord> {
    return fleet.insertVerdict(this.connection, verdict);
  }

  verdicts(service: string, version?: string): Promise<VerdictRecord[]> {
    return fleet.queryVerdicts(this.connection, service, version);
  }

  schedulePromotion(request: PromotionRequest, now: number): Promise<PromotionRecord> {
    return fleet.schedule(this.connection, request, now);
  }

  claimPromotion(
    key: PromotionKey,
    holder: string,
    leaseMs: number,
    now: number,
  ): Promise<PromotionRecord | null> {
    return fleet.claim(this.connection, key, holder, leaseMs, now);
  }

  finishPromotion(
    key: PromotionKey,
    holder: string,
    state: 'done' | 'failed',
    note: string | null,
    now: number,
  ): Promise<PromotionRecord | null> {
    return fleet.finish(this.connection, key, holder, state, note, now);
  }

  cancelPromotion(key: PromotionKey, note: string, now: number): Promise<PromotionRecord | null> {
    return fleet.cancel(this.connection, key, note, now);
  }

  promotions(filter: PromotionFilter): Promise<PromotionRecord[]> {
    return fleet.queryPromotions(this.connection, filter);
  }

  // Service bindings (service-owners.ts).

  serviceOwner(service: string): Promise<ServiceOwnerRecord | null> {
    return owners.selectServiceOwner(this.connection, service);
  }

  bindService(service: string, repos: readonly string[], now: number): Promise<ServiceOwnerRecord> {
    return owners.bindService(this.connection, service, repos, now);
  }

  setServiceRepositories(
    service: string,
    repos: readonly string[],
    now: number,
  ): Promise<ServiceOwnerRecord | null> {
    return owners.setServiceRepositories(this.connection, service, repos, now);
  }

  // The bot's webhooks to receive again (redeliveries.ts).

  keepRedelivery(redelivery: WebhookRedelivery, limit: number): Promise<RedeliveryKept> {
    return redeliveries.keepRedelivery(this.connection, redelivery, limit);
  }

  claimRedelivery(holder: string, leaseMs: number, now: number): Promise<WebhookRedelivery | null> {
    return redeliveries.claimRedelivery(this.connection, holder, leaseMs, now);
  }

  retryRedelivery(deliveryId: string, holder: string, dueAt: number): Promise<void> {
    return redeliveries.retryRedelivery(this.connection, deliveryId, holder, dueAt);
  }

  dropRedelivery(deliveryId: string, holder: string): Promise<void> {
    return redeliveries.dropRedelivery(this.connection, deliveryId, holder);
  }

  // `tranche watch`'s transitions (watch-transitions.ts).

  recordWatchTransitions(transitions: readonly WatchTransition[]): Promise<void> {
    return watch.insertWatchTransitions(this.connection, transitions);
  }

  watchTransitions(filter: WatchTransitionFilter): Promise<WatchTransitionRecord[]> {
    return watch.selectWatchTransitions(this.connection, filter);
  }

  watchCells(service: string, environment: string): Promise<WatchTransitionRecord[]> {
    return watch.selectWatchCells(this.connection, service, environment);
  }

  watchCursor(): Promise<number> {
    return watch.selectWatchCursor(this.connection);
  }

  // The dashboard's actions (dashboard-actions.ts).

  recordDashboardAction(input: DashboardActionInput, now: number): Promise<DashboardActionRecord> {
    return dashboard.insertDashboardAction(this.connection, input, now);
  }

  finishDashboardAction(
    id: number,
    state: 'succeeded' | 'failed',
    message: string,
    now: number,
  ): Promise<DashboardActionRecord | null> {
    return dashboard.finishDashboardAction(this.connection, id, state, message, now);
  }

  dashboardActions(limit: number): Promise<DashboardActionRecord[]> {
    return dashboard.selectDashboardActions(this.connection, limit);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** Writes the event; run_started also opens its run, run_finished closes it. */
async function insertEvent(session: SqlSession, event: DeployEvent): Promise<void> {
  await session.query(INSERT_EVENT, eventParams(event));
  if (event.kind === 'run_started') {
    const commit = event.data?.commit;
    await session.query(INSERT_RUN, {
      run_id: event.runId,
      service: event.service,
      environment: event.environment,
      version: event.version,
      commit_sha: typeof commit === 'string' ? commit : null,
      started_at: event.at,
      actor: storedActor(event.data?.actor),
    });
  } else if (event.kind === 'run_finished') {
    await session.query(FINISH_RUN, {
      finished_at: event.at,
      duration_ms: wholeMs(event.durationMs),
      decision: runDecision(event.data?.decision),
      reason_code: event.reasonCode ?? null,
      run_id: event.runId,
    });
  }
}

/** Writes one imported record unless the ledger has it already; true when something changed. */
async function importRecord(session: SqlSession, record: LedgerRecord): Promise<boolean> {
  switch (record.type) {
    case 'version': {
      const v = record.version;
      const [local] = await session.query(SELECT_VERSION, { service: v.service, n: v.n });
      if (local) {
        const localCommit = nullableString(local.commit_sha);
        if (String(local.version) === v.version && localCommit === v.commit) return false;
        throw new VersionClashError(
          `version ${v.version} (${v.service} #${v.n}, commit ${v.commit ?? 'none'}) clashes with ` +
            `${String(local.version)} (commit ${localCommit ?? 'none'}) here: both ledgers gave ${v.service} ` +
            `counter ${v.n} to different versions; a service must take its versions from one ledger`,
        );
      }
      const [namesake] = await session.query(SELECT_VERSION_BY_LABEL, {
        service: v.service,
        version: v.version,
      });
      if (namesake) {
        throw new VersionClashError(
          `version ${v.version} (${v.service} #${v.n}, commit ${v.commit ?? 'none'}) clashes with ` +
            `${v.version} here (#${Number(namesake.n)}, commit ${nullableString(namesake.commit_sha) ?? 'none'}): ` +
            `a version label names one commit of ${v.service}; a service must take its versions from one ledger`,
        );
      }
      await session.query(INSERT_VERSION, {
        service: v.service,
        n: v.n,
        version: v.version,
        commit_sha: v.commit,
        created_at: v.createdAt,
      });
      await session.query(RAISE_VERSION_COUNTER, { service: v.service, n: v.n });
      return true;
    }
    case 'run': {
      const r = record.run;
      const inserted = await session.query(IMPORT_RUN, {
        run_id: r.runId,
        service: r.service,
        environment: r.environment,
        version: r.version,
        commit_sha: r.commit,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        decision: r.decision,
        reason_code: r.reasonCode,
        duration_ms: wholeMs(r.durationMs),
        actor: storedActor(r.actor),
      });
      if (inserted.length > 0) return true;
      if (r.finishedAt === null) return false;
      const finished = await session.query(IMPORT_RUN_FINISH, {
        finished_at: r.finishedAt,
        duration_ms: wholeMs(r.durationMs),
        decision: r.decision,
        reason_code: r.reasonCode,
        run_id: r.runId,
      });
      return finished.length > 0;
    }
    case 'event':
      return (await session.query(IMPORT_EVENT, eventParams(record.event))).length > 0;
    case 'outcome':
      return fleet.insertOutcome(session, record.outcome);
    case 'verdict':
      return fleet.importOverride(session, record.verdict);
    case 'watch':
      return watch.importWatchTransition(session, record.watch);
    case 'target': {
      const t = record.target;
      const changed = await session.query(IMPORT_TARGET_STATE, {
        service: t.service,
        environment: t.environment,
        component: t.component,
        target: t.target,
        version: t.version,
        good_version: t.goodVersion,
        run_id: t.runId,
        updated_at: t.updatedAt,
      });
      return changed.length > 0;
    }
  }
}

function eventParams(event: DeployEvent): Params<typeof INSERT_EVENT> {
  return {
    run_id: event.runId,
    seq: event.seq,
    at: event.at,
    kind: event.kind,
    status: event.status,
    service: event.service,
    environment: event.environment,
    version: event.version,
    component: event.component ?? null,
    target: event.target ?? null,
    batch: event.batch ?? null,
    duration_ms: wholeMs(event.durationMs),
    reason_code: event.reasonCode ?? null,
    message: event.message ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
  };
}

/** Durations are kept in whole milliseconds (timers measure fractions; BIGINT holds none). */
function wholeMs(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms);
}

/** The run's decision from a run_finished event's data; anything outside the vocabulary is dropped. */
function runDecision(value: unknown): RunDecision | null {
  return (RUN_DECISIONS as readonly unknown[]).includes(value) ? (value as RunDecision) : null;
}
