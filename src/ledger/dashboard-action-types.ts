/**
 * Who asked a dashboard (local or the bot's) to deploy or roll back what, and how it ended.
 * Storage: dashboard-actions.ts; who may act is the dashboard host's business.
 */
export const DASHBOARD_ACTION_KINDS = ['deploy', 'rollback'] as const;
export type DashboardActionKind = (typeof DASHBOARD_ACTION_KINDS)[number];

/** `started` until the action ends; `refused` when the viewer may not act (nothing ran). */
export const DASHBOARD_ACTION_STATES = ['started', 'succeeded', 'failed', 'refused'] as const;
export type DashboardActionState = (typeof DASHBOARD_ACTION_STATES)[number];

export interface DashboardActionInput {
  /** Who asked: the local user, or the GitHub login signed in to the bot's page. */
  actor: string;
  action: DashboardActionKind;
  service: string;
  environment: string;
  /** The version or commit asked for; null for the rollback rule's target, or the next version. */
  version: string | null;
  commit: string | null;
  /** Where the page was served: `local`, `bot`. */
  host: string;
  state: DashboardActionState;
  message: string | null;
}

export interface DashboardActionRecord extends DashboardActionInput {
  id: number;
  requestedAt: number;
  finishedAt: number | null;
}

export interface DashboardActionLedger {
  /** Records an action as it is asked for (or refused); returns its record. */
  recordDashboardAction(input: DashboardActionInput, now: number): Promise<DashboardActionRecord>;
  /** Ends a started action; null when there is no such started action. */
  finishDashboardAction(
    id: number,
    state: 'succeeded' | 'failed',
    message: string,
    now: number,
  ): Promise<DashboardActionRecord | null>;
  /** The newest actions first. */
  dashboardActions(limit: number): Promise<DashboardActionRecord[]>;
}
