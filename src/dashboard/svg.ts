/**
 * Charts drawn on the server as SVG: a check's values over time against its limit, and stage
 * timings as ranges. Scalable (viewBox), no script, every label escaped.
 */
import { niceTicks, tickLabel } from '../render/ascii-plot.ts';
import { elapsedText } from '../render/format.ts';
import { type Html, html } from './html.ts';

const W = 600;
const H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

export interface LineSeries {
  name: string;
  points: { x: number; y: number; ok: boolean }[];
}

export interface LineChart {
  title: string;
  /** Values of x are milliseconds since `x0`. */
  series: LineSeries[];
  unit?: string | undefined;
  limits?: { max?: number | undefined; min?: number | undefined } | undefined;
}

function scale(lo: number, hi: number, outLo: number, outHi: number): (v: number) => number {
  const span = hi - lo || 1;
  return (v) => outLo + ((v - lo) / span) * (outHi - outLo);
}

function round(n: number): string {
  return n.toFixed(1);
}

/** Values over time, one polyline per series, the limits dashed. */
export function lineChart(chart: LineChart): Html {
  const points = chart.series.flatMap((s) => s.points);
  const limits = [chart.limits?.max, chart.limits?.min].filter((v): v is number => v !== undefined);
  const ys = [...points.map((p) => p.y), ...limits];
  const xs = points.map((p) => p.x);
  const ticks = niceTicks(Math.min(0, ...ys), Math.max(...ys, 1), 4);
  const xHi = Math.max(...xs, 1000);
  const x = scale(0, xHi, PAD.left, W - PAD.right);
  const y = scale(ticks.min, ticks.max, H - PAD.bottom, PAD.top);
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${chart.title}">
<title>${chart.title}</title>
${ticks.values.map(
  (
    v,
  ) => html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${round(y(v))}" y2="${round(y(v))}"/>
<text class="tick" x="${PAD.left - 4}" y="${round(y(v) + 4)}" text-anchor="end">${tickLabel(v, ticks.decimals)}</text>`,
)}
<text class="tick" x="${PAD.left}" y="${H - 8}">0</text>
<text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${elapsedText(xHi)}</text>
${limits.map(
  (
    v,
  ) => html`<line class="limit" x1="${PAD.left}" x2="${W - PAD.right}" y1="${round(y(v))}" y2="${round(y(v))}"/>
<text class="limit-label" x="${W - PAD.right}" y="${round(y(v) - 4)}" text-anchor="end">limit ${tickLabel(v, ticks.decimals)}${chart.unit ? ` ${chart.unit}` : ''}</text>`,
)}
${chart.series.map(
  (s, i) => html`<g class="series s${i % 6}"><title>${s.name}</title>
<polyline points="${s.points.map((p) => `${round(x(p.x))},${round(y(p.y))}`).join(' ')}"/>
${s.points.map((p) => html`<circle class="${p.ok ? 'ok' : 'bad'}" cx="${round(x(p.x))}" cy="${round(y(p.y))}" r="3"/>`)}
</g>`,
)}
</svg>`;
}

export interface RangeRow {
  label: string;
  min: number;
  median: number;
  p95: number;
  max: number;
}

/** One row per stage: min–max as a thin bar, median to p95 as a thick one, on one time axis. */
export function rangeChart(title: string, rows: readonly RangeRow[]): Html {
  const rowH = 22;
  const left = 130;
  const height = PAD.top + rows.length * rowH + PAD.bottom;
  const hi = Math.max(...rows.map((r) => r.max), 1);
  const x = scale(0, hi, left, W - PAD.right);
  return html`<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="${title}">
<title>${title}</title>
${rows.map((r, i) => {
  const mid = PAD.top + i * rowH + rowH / 2;
  return html`<text class="tick" x="${left - 6}" y="${round(mid + 4)}" text-anchor="end">${r.label}</text>
<line class="range" x1="${round(x(r.min))}" x2="${round(x(r.max))}" y1="${round(mid)}" y2="${round(mid)}"/>
<line class="iqr" x1="${round(x(r.median))}" x2="${round(Math.max(x(r.p95), x(r.median) + 2))}" y1="${round(mid)}" y2="${round(mid)}"/>
<line class="median" x1="${round(x(r.median))}" x2="${round(x(r.median))}" y1="${round(mid - 7)}" y2="${round(mid + 7)}"/>`;
})}
<text class="tick" x="${left}" y="${height - 8}">0</text>
<text class="tick" x="${W - PAD.right}" y="${height - 8}" text-anchor="end">${elapsedText(hi)}</text>
</svg>`;
}
