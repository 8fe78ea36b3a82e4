/**
 * A verdict for people: the headline, the evidence per environment, what a bad verdict rolls back,
 * and the plot of the e-value against 1/alpha as the version's outcomes arrived (log scale: an
 * e-value grows exponentially with the evidence). Plain text, for the CLI, a PR comment or a
 * check run (fence it).
 */
import { eText, percent, type RollbackChoice, type VerdictEvidence } from '../engine/verdict.ts';
import { plotAscii } from './ascii-plot.ts';
import { table } from './format.ts';

/** The e-value's log10 over the version's outcomes, against log10(1/alpha). */
export function verdictPlot(
  evidence: VerdictEvidence,
  options: { width?: number; height?: number } = {},
): string {
  const points = evidence.trajectory.map((p) => Math.log10(Math.max(p.eValue ?? 0, Number.MIN_VALUE)));
  const every = evidence.trajectory[0]?.samples ?? 1;
  return plotAscii([{ label: `${evidence.version} vs ${evidence.baseline ?? 'no baseline'}`, points }], {
    width: options.width ?? 72,
    height: options.height ?? 14,
    title: `log10 e-value per ${every} outcome${every === 1 ? '' : 's'}`,
    threshold: { value: Math.log10(evidence.threshold), label: `1/alpha=${eText(evidence.threshold)}` },
  });
}

/** Per environment: the version's and the baseline's failures, and the stratum's e-value and bound. */
export function evidenceTable(evidence: VerdictEvidence): string[] {
  const rows = [['environment', evidence.version, evidence.baseline ?? 'baseline', 'e-value', 'ratio ≤']];
  const compared = new Map(evidence.comparison.map((s) => [s.stratum, s]));
  for (const env of evidence.environments) {
    const stratum = compared.get(env.environment);
    rows.push([
      env.environment,
      counts(env.version),
      counts(env.baseline),
      stratum?.compared ? eText(stratum.eValue ?? Number.NaN) : '-',
      stratum?.compared && Number.isFinite(stratum.upper ?? Number.NaN)
        ? (stratum.upper as number).toFixed(2)
        : '-',
    ]);
  }
  return table(rows, '  ');
}

function counts(arm: { failures: number; total: number }): string {
  return arm.total === 0 ? '-' : `${arm.failures}/${arm.total} (${percent(arm.failures / arm.total)})`;
}

/** `rollback (failing): prod-1 rolls back: 9 of 120 failed there …` one line per environment. */
export function rollbackLines(policy: string, choices: RollbackChoice[]): string[] {
  if (choices.length === 0) return [`rollback (${policy}): the version is live nowhere`];
  return [
    `rollback (${policy}):`,
    ...choices.map((c) => `  ${c.environment}: ${c.rollBack ? 'roll back' : 'stays'} — ${c.reason}`),
  ];
}
