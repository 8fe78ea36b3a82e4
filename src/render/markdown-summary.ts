/**
 * The deploy report as GitHub-flavoured Markdown, for a check run's summary and the job summary:
 * headline and verdict first, then components × batches, what was rolled back, every check's latest
 * value against its limit, a chart per numeric check (a fenced ASCII plot and a Mermaid chart),
 * and stage timings. Cut to a length limit by whole sections, the verdict always kept.
 */

import type { CanarySelection } from '../engine/categories.ts';
import type { ReleasePlan } from '../engine/plan.ts';
import type { DeployEvent } from '../engine/ports.ts';
import type { CheckSeries, DeployResult } from '../engine/result.ts';
import type { RunDecision } from '../engine/vocabulary.ts';
import { stageTimings } from '../stats/stage-timing.ts';
import { canaryHeadline, canaryNotes } from './canary-coverage.ts';
import { checkData } from './event-data.ts';
import { clockTime, decisionText, elapsedText, rollbackStatusText, stepStatusText } from './format.ts';
import { mermaidChart } from './mermaid.ts';
import { headline } from './summary.ts';
import { checkReport, checkVerdict, formatValue } from './verdict.ts';

export interface MarkdownOptions {
  /** Characters the whole report may have (GitHub's check-run summary takes 65,535). */
  maxLength?: number | undefined;
  /** Columns of the ASCII charts (default 72). */
  width?: number | undefined;
  /** Lines of each ASCII chart (default 16). */
  height?: number | undefined;
  /** A link to the full log, offered when sections had to be left out. */
  logUrl?: string | undefined;
}

/** Rows of a long table shown before the rest is counted in one line. */
export const MAX_TABLE_ROWS = 50;
const DEFAULT_MAX_LENGTH = 65_535;

const ICONS: Record<RunDecision, string> = {
  succeeded: '✅',
  rolled_back: '↩️',
  halted: '⏸️',
  cancelled: '⏹️',
};

export function renderMarkdownSummary(
  result: DeployResult,
  events: readonly DeployEvent[],
  options: MarkdownOptions = {},
): string {
  const sections = [
    [`### ${ICONS[result.decision] ?? ''} ${escapeText(headline(result))}`, '', details(result)].join('\n'),
    verdictSection(result),
    batchesSection(result),
    rollbackSection(result),
    latestChecksSection(events),
    ...result.checks.map((series) => checkSection(series, options)),
    stageSection(events),
  ].filter((s) => s !== '');
  return fitSections(sections, options.maxLength ?? DEFAULT_MAX_LENGTH, options.logUrl);
}

/** The check run while the deploy runs: batches finished so far and the latest check values. */
export function renderProgressMarkdown(
  events: readonly DeployEvent[],
  options: MarkdownOptions = {},
): string {
  const first = events[0];
  const batches = events.filter((e) => e.kind === 'batch_finished');
  const title = first
    ? `### 🚧 ${escapeText(`${first.service} ${first.version} → ${first.environment}`)}: deploying`
    : '### 🚧 deploying';
  const rows = batches.map((e) => [
    e.component ?? '',
    String(e.batch ?? ''),
    e.status === 'ok' ? 'ok' : 'FAILED',
    elapsedText(e.durationMs ?? Number.NaN),
  ]);
  const table =
    rows.length > 0
      ? markdownTable(['component', 'batch', 'status', 'duration'], rows)
      : '_no batch finished yet_';
  return fitSections(
    [title, `#### Batches finished\n\n${table}`, latestChecksSection(events)].filter((s) => s !== ''),
    options.maxLength ?? DEFAULT_MAX_LENGTH,
    options.logUrl,
  );
}

/** What a dry run would do: the batches of every component, and its canaries when it has categories. */
export function renderPlanMarkdown(
  plan: ReleasePlan,
  onFailure: string,
  options: MarkdownOptions = {},
): string {
  const sections = [
    `### 📝 ${escapeText(`${plan.service} → ${plan.environment}`)}: dry run, nothing deployed\n\nWould deploy ${plan.components.length} component(s) in order; onFailure: \`${onFailure}\`.`,
    ...plan.components.map((component) => {
      const rows = component.batches.map((batch, i) => [
        `${i + 1}/${component.batches.length}`,
        String(batch.targets.length),
        batch.bakeSeconds > 0 ? `${batch.bakeSeconds} s` : '-',
        listed(batch.targets),
      ]);
      const canaries = component.canaries ? canarySection(component.canaries) : [];
      return [
        `#### ${escapeText(component.name)}`,
        ...canaries,
        markdownTable(['batch', 'targets', 'bake', 'names'], rows),
      ].join('\n\n');
    }),
  ];
  return fitSections(sections, options.maxLength ?? DEFAULT_MAX_LENGTH, options.logUrl);
}

/** The first batch's canaries: how many beside the lower bound, what each covers, what is left out. */
function canarySection(selection: CanarySelection): string[] {
  const rows = selection.canaries.map((c) => [c.target, c.covers.join('; ')]);
  const notes = canaryNotes(selection).map((note) => `- ${escapeText(note)}`);
  return [
    `${escapeText(sentenceStart(canaryHeadline(selection)))}.`,
    markdownTable(['canary', 'covers'], rows),
    ...(notes.length > 0 ? [notes.join('\n')] : []),
  ];
}

function sentenceStart(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function details(result: DeployResult): string {
  const commit =
    result.commit && /^[0-9a-f]{40}$/i.test(result.commit) ? result.commit.slice(0, 7) : result.commit;
  return [
    result.previousVersion ? `previous \`${escapeCode(result.previousVersion)}\`` : 'first deploy',
    ...(commit ? [`commit \`${escapeCode(commit)}\``] : []),
    `run \`${escapeCode(result.runId)}\``,
    `started ${clockTime(result.startedAt)} UTC`,
    `took ${elapsedText(result.durationMs)}`,
  ].join(' · ');
}

/** One verdict per check with values, then the run's decision and why, as a fenced block. */
function verdictSection(result: DeployResult): string {
  const verdicts = result.checks.map(checkVerdict).filter((v) => v !== undefined);
  const closing = `${decisionText(result.decision).toUpperCase()}: ${result.message}`;
  return `#### Verdict\n\n${fenced('text', [...verdicts, closing].join('\n'))}`;
}

function batchesSection(result: DeployResult): string {
  const rows: string[][] = [];
  for (const component of result.components) {
    for (const batch of component.batches) {
      rows.push([
        component.name,
        `${batch.number}/${component.batches.length}`,
        String(batch.targets.length),
        statusCell(stepStatusText(batch.status)),
        batch.status === 'not_started' ? '-' : elapsedText(batch.durationMs),
      ]);
    }
  }
  return `#### Batches\n\n${markdownTable(['component', 'batch', 'targets', 'status', 'duration'], rows)}`;
}

function rollbackSection(result: DeployResult): string {
  if (result.rolledBack.length === 0) {
    return result.decision === 'halted'
      ? '#### Rolled back\n\nnothing: onFailure is `halt`, deployed targets stay'
      : '';
  }
  const rows = result.rolledBack.map((r) => [
    r.component,
    r.target,
    `${r.from} → ${r.to ?? '(none)'}`,
    statusCell(rollbackStatusText(r.status)),
  ]);
  return `#### Rolled back\n\n${markdownTable(['component', 'target', 'version', 'status'], rows)}`;
}

/** Each check's latest observation against its limit. */
function latestChecksSection(events: readonly DeployEvent[]): string {
  const latest = new Map<string, DeployEvent>();
  for (const event of events) if (event.kind === 'check') latest.set(checkData(event).check, event);
  if (latest.size === 0) return '';
  const rows = [...latest.values()].map((event) => {
    const data = checkData(event);
    const limit = [
      data.min !== undefined ? `≥ ${formatValue(data.min, data.unit)}` : undefined,
      data.max !== undefined ? `≤ ${formatValue(data.max, data.unit)}` : undefined,
    ].filter((l) => l !== undefined);
    return [
      data.check,
      event.target ?? '',
      data.value !== undefined
        ? `${data.metric === 'value' ? '' : `${data.metric} `}${formatValue(data.value, data.unit)}`
        : '-',
      limit.length > 0 ? limit.join(', ') : '-',
      statusCell(data.status === 'pass' ? 'pass' : data.status.toUpperCase()),
    ];
  });
  return `#### Checks: latest values\n\n${markdownTable(['check', 'target', 'value', 'limit', 'status'], rows)}`;
}

function checkSection(series: CheckSeries, options: MarkdownOptions): string {
  const heading = `#### Check \`${escapeCode(series.check)}\``;
  if (series.points.length === 0) return `${heading}\n\nno numeric observations`;
  const ascii = checkReport(series, { width: options.width ?? 72, height: options.height ?? 16 });
  const mermaid = mermaidChart(series);
  return [heading, '', fenced('text', ascii), ...(mermaid ? ['', fenced('mermaid', mermaid)] : [])].join(
    '\n',
  );
}

function stageSection(events: readonly DeployEvent[]): string {
  const timings = stageTimings(events);
  if (timings.length === 0) return '';
  const rows = timings.map((t) => [
    t.stage,
    String(t.count),
    elapsedText(t.min),
    elapsedText(t.median),
    elapsedText(t.p95),
    elapsedText(t.max),
  ]);
  return `#### Stage timings\n\n${markdownTable(['stage', 'count', 'min', 'median', 'p95', 'max'], rows)}`;
}

/** A Markdown table; past MAX_TABLE_ROWS rows the rest are counted in a last row. */
export function markdownTable(header: string[], rows: string[][]): string {
  const shown = rows.length > MAX_TABLE_ROWS ? rows.slice(0, MAX_TABLE_ROWS - 1) : rows;
  const lines = [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...shown.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  if (shown.length < rows.length) {
    lines.push(
      `| … ${rows.length - shown.length} more |${header
        .slice(1)
        .map(() => ' |')
        .join('')}`,
    );
  }
  return lines.join('\n');
}

/**
 * Whole sections joined by blank lines while they fit in max; the first (headline) and second
 * (verdict) always. What is left out is named in a closing note.
 */
function fitSections(sections: string[], max: number, logUrl: string | undefined): string {
  const kept: string[] = [];
  let length = 0;
  let left = 0;
  const noteRoom = 300;
  for (const [i, section] of sections.entries()) {
    const cost = section.length + 2;
    if (i < 2 || length + cost <= max - noteRoom) {
      kept.push(section);
      length += cost;
    } else left += 1;
  }
  if (left > 0) {
    const where = logUrl ? ` [The run's log](${logUrl}) has everything.` : '';
    kept.push(
      `_${left} more section(s) left out to stay within ${max.toLocaleString('en-US')} characters._${where}`,
    );
  }
  const text = kept.join('\n\n');
  return text.length <= max ? text : `${text.slice(0, max - 2)}\n…`;
}

function fenced(language: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${body}\n${fence}`;
}

function statusCell(text: string): string {
  return /^(FAILED|FAIL|ERROR|NO_DATA)/.test(text) ? `**${text}**` : text;
}

function listed(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, … (${names.length - 10} more)` : shown;
}

function escapeCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
}

function escapeText(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

function escapeCode(text: string): string {
  return text.replaceAll('`', "'");
}
