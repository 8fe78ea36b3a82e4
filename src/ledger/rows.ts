/** Rows of the ledger's tables as the records the Ledger interface hands out. */
import type { DeployEvent } from '../engine/ports.ts';
import type { EventKind, EventStatus, ReasonCode, RunDecision } from '../engine/vocabulary.ts';
import type { Row } from './connection.ts';
import type {
  LockRecord,
  ReleaseKind,
  ReleaseOrigin,
  ReleaseRecord,
  ReleaseState,
  RunRecord,
  TargetRecord,
  VersionRecord,
} from './types.ts';

export function toVersion(row: Row): VersionRecord {
  return {
    service: String(row.service),
    n: Number(row.n),
    version: String(row.version),
    commit: nullableString(row.commit_sha),
    createdAt: Number(row.created_at),
  };
}

export function toRun(row: Row): RunRecord {
  return {
    runId: String(row.run_id),
    service: String(row.service),
    environment: String(row.environment),
    version: String(row.version),
    commit: nullableString(row.commit_sha),
    startedAt: Number(row.started_at),
    finishedAt: nullableNumber(row.finished_at),
    decision: nullableString(row.decision) as RunDecision | null,
    reasonCode: nullableString(row.reason_code) as ReasonCode | null,
    durationMs: nullableNumber(row.duration_ms),
    actor: nullableString(row.actor),
  };
}

export function toEvent(row: Row): DeployEvent {
  const event: DeployEvent = {
    runId: String(row.run_id),
    seq: Number(row.seq),
    at: Number(row.at),
    kind: String(row.kind) as EventKind,
    status: String(row.status) as EventStatus,
    service: String(row.service),
    environment: String(row.environment),
    version: String(row.version),
  };
  if (row.component !== null) event.component = String(row.component);
  if (row.target !== null) event.target = String(row.target);
  if (row.batch !== null) event.batch = Number(row.batch);
  if (row.duration_ms !== null) event.durationMs = Number(row.duration_ms);
  if (row.reason_code !== null) event.reasonCode = String(row.reason_code) as ReasonCode;
  if (row.message !== null) event.message = String(row.message);
  if (row.data !== null) event.data = JSON.parse(String(row.data)) as Record<string, unknown>;
  return event;
}

export function toTarget(row: Row): TargetRecord {
  return {
    service: String(row.service),
    environment: String(row.environment),
    component: String(row.component),
    target: String(row.target),
    version: nullableString(row.version),
    goodVersion: nullableString(row.good_version),
    runId: nullableString(row.run_id),
    updatedAt: Number(row.updated_at),
  };
}

export function toLock(row: Row): LockRecord {
  return {
    name: String(row.name),
    holder: String(row.holder),
    acquiredAt: Number(row.acquired_at),
    renewedAt: Number(row.renewed_at),
    expiresAt: nullableNumber(row.expires_at),
    reason: nullableString(row.reason),
    data: row.data === null ? null : (JSON.parse(String(row.data)) as Record<string, unknown>),
  };
}

export function toRelease(row: Row): ReleaseRecord {
  return {
    id: Number(row.id),
    repo: String(row.repo),
    installationId: nullableNumber(row.installation_id),
    environment: String(row.environment),
    service: nullableString(row.service),
    origin: String(row.origin) as ReleaseOrigin,
    kind: String(row.kind) as ReleaseKind,
    state: String(row.state) as ReleaseState,
    version: nullableString(row.version),
    commit: nullableString(row.commit_sha),
    requestedBy: nullableString(row.requested_by),
    pullRequest: nullableNumber(row.pull_request),
    commentId: nullableNumber(row.comment_id),
    deploymentId: nullableNumber(row.deployment_id),
    logUrl: nullableString(row.log_url),
    checkRunUrl: nullableString(row.check_run_url),
    description: nullableString(row.description),
    plan: nullableString(row.plan),
    liveVersion: nullableString(row.live_version),
    requestedAt: Number(row.requested_at),
    startedAt: nullableNumber(row.started_at),
    finishedAt: nullableNumber(row.finished_at),
    succeededAt: nullableNumber(row.succeeded_at),
    updatedAt: Number(row.updated_at),
    targets:
      row.targets === null || row.targets === undefined
        ? null
        : (JSON.parse(String(row.targets)) as string[]),
    track: nullableString(row.track),
  };
}

export function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
