/**
 * What `tranche watch` observes: every target of an environment against every check its component
 * runs after a batch, as the deploy runs them (config/resolve.ts). Analysis checks compare a
 * deploy's new targets with the ones still on the previous version, so they have nothing to
 * compare outside a deploy and are not watched.
 */
import type { ResolvedEnvironment } from '../config/resolve.ts';
import { isBatchCheck, type TargetCheckSpec, type TargetSpec } from '../engine/ports.ts';

export interface WatchedCell {
  component: string;
  target: TargetSpec;
  check: TargetCheckSpec;
}

export interface WatchPlan {
  service: string;
  environment: string;
  environmentLabels: Record<string, string>;
  /** Targets in config order, each with its component's checks in config order. */
  cells: WatchedCell[];
  /** The matrix's columns: every watched check's name, in order of first use. */
  checks: string[];
  /** Analysis checks of the environment's components, which only a deploy runs. */
  unwatched: string[];
}

export function watchPlan(resolved: ResolvedEnvironment, environment: string): WatchPlan {
  const cells: WatchedCell[] = [];
  const checks = new Set<string>();
  const unwatched = new Set<string>();
  for (const component of resolved.components) {
    const targetChecks: TargetCheckSpec[] = [];
    for (const check of component.checks) {
      if (isBatchCheck(check)) unwatched.add(check.name);
      else targetChecks.push(check);
    }
    for (const check of targetChecks) checks.add(check.name);
    for (const target of component.targets) {
      for (const check of targetChecks) cells.push({ component: component.name, target, check });
    }
  }
  return {
    service: resolved.service,
    environment,
    environmentLabels: resolved.labels,
    cells,
    checks: [...checks],
    unwatched: [...unwatched],
  };
}

/** A cell's identity in the matrix. */
export function cellKey(cell: { component: string; target: string; check: string }): string {
  return JSON.stringify([cell.component, cell.target, cell.check]);
}

/** The matrix's rows: each target once, in config order. */
export function watchRows(plan: WatchPlan): { component: string; target: string }[] {
  const rows = new Map<string, { component: string; target: string }>();
  for (const { component, target } of plan.cells) {
    rows.set(JSON.stringify([component, target.name]), { component, target: target.name });
  }
  return [...rows.values()];
}

/** Each watched cell's key, in plan order: targets in config order, each with its checks. */
export function cellKeys(plan: WatchPlan): string[] {
  return plan.cells.map((c) =>
    cellKey({ component: c.component, target: c.target.name, check: c.check.name }),
  );
}
