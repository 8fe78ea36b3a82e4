/** The plain-text report a person reads at the end of a deploy, in a terminal or a CI log. */
import type { DeployResult } from '../engine/result.ts';
import { clockTime, decisionText, elapsedText, rollbackStatusText, stepStatusText, table } from './format.ts';
import { checkReport, checkVerdict } from './verdict.ts';

export interface SummaryOptions {
  /** Width of the check charts (default 72). */
  width?: number | undefined;
  /** Height of each check chart (default 20). */
  height?: number | undefined;
}

/** `metrics-store 2.14.7 → production: rolled back (check_failed)` */
export function headline(result: DeployResult): string {
  return `${result.service} ${result.version} → ${result.environment}: ${decisionText(result.decision)} (${result.reasonCode})`;
}

/**
 * Headline, what ran where (components × batches), what was rolled back, a chart and verdict per
 * check with numeric values, and the closing verdict lines. Deterministic, no colours.
 */
export function renderSummary(result: DeployResult, options: SummaryOptions = {}): string {
  const sections: string[][] = [
    [headline(result), `  ${details(result).join(' · ')}`, `  ${result.message}`],
    batches(result),
  ];
  const rollback = rollbacks(result);
  if (rollback.length > 0) sections.push(rollback);
  const checks = checkSections(result, options);
  if (checks.length > 0) sections.push(...checks);
  sections.push(closing(result));
  return sections.map((lines) => lines.join('\n')).join('\n\n');
}

function details(result: DeployResult): string[] {
  const commit =
    result.commit && /^[0-9a-f]{40}$/i.test(result.commit) ? result.commit.slice(0, 7) : result.commit;
  return [
    result.previousVersion ? `previous ${result.previousVersion}` : 'first deploy',
    ...(commit ? [`commit ${commit}`] : []),
    `run ${result.runId}`,
    `started ${clockTime(result.startedAt)} UTC`,
    `took ${elapsedText(result.durationMs)}`,
  ];
}

function batches(result: DeployResult): string[] {
  const rows = [['component', 'batch', 'targets', 'status', 'duration']];
  for (const component of result.components) {
    for (const batch of component.batches) {
      rows.push([
        component.name,
        `${batch.number}/${component.batches.length}`,
        String(batch.targets.length),
        stepStatusText(batch.status),
        batch.status === 'not_started' ? '-' : elapsedText(batch.durationMs),
      ]);
    }
    if (component.batches.length === 0)
      rows.push([component.name, '-', '0', stepStatusText(component.status), '-']);
  }
  return ['Batches', ...table(rows, '  ')];
}

function rollbacks(result: DeployResult): string[] {
  if (result.rolledBack.length === 0) {
    return result.decision === 'halted'
      ? ['Rolled back', '  nothing: the run halted, and the targets it deployed stay where they are']
      : [];
  }
  const rows = [['component', 'target', 'version', 'status']];
  for (const r of result.rolledBack) {
    rows.push([r.component, r.target, `${r.from} → ${r.to ?? '(none)'}`, rollbackStatusText(r.status)]);
  }
  return ['Rolled back', ...table(rows, '  ')];
}

function checkSections(result: DeployResult, options: SummaryOptions): string[][] {
  return result.checks.map((series) =>
    series.points.length > 0
      ? [`Check ${series.check}`, checkReport(series, options)]
      : [`Check ${series.check}`, '  no numeric observations'],
  );
}

/** One verdict per check with values, then the run's decision and why. */
function closing(result: DeployResult): string[] {
  const verdicts = result.checks.map(checkVerdict).filter((v) => v !== undefined);
  return ['Verdict', ...verdicts, `${decisionText(result.decision).toUpperCase()}: ${result.message}`];
}
