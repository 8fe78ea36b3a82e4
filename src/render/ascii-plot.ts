/**
 * Line charts as plain text, in the spirit of gnuplot's `dumb` terminal: y tick labels on the left,
 * `++` tick marks on a `+---+` frame, x tick labels under it, ticks at nice numbers (1, 2, 5 × 10^k).
 * Pure and deterministic: the same input always gives the same characters.
 */

export interface PlotSeries {
  /** Shown in the header as `* label` when any series has one. */
  label?: string | undefined;
  /** y values; x is the index (plus `xStart`). Non-finite values leave a gap. */
  points: number[];
}

export interface PlotOptions {
  /** Columns of the whole chart, labels included (default 72, at least enough for a 10-column frame). */
  width?: number | undefined;
  /** Lines of the whole chart, header and x labels included (default 20, at least 5). */
  height?: number | undefined;
  /** A horizontal line of `=`, labelled right of the frame; the y-range always includes it. */
  threshold?: { value: number; label: string } | undefined;
  title?: string | undefined;
  /** Unit of the y values, shown above the y tick labels. */
  yUnit?: string | undefined;
  /** x of the first point (default 0). */
  xStart?: number | undefined;
}

/** Glyphs of the first, second, … series; later series reuse them. */
export const SERIES_GLYPHS = ['*', '#', '$', '%', '@', '&'] as const;
export const THRESHOLD_GLYPH = '=';

export const DEFAULT_WIDTH = 72;
export const DEFAULT_HEIGHT = 20;
const MIN_HEIGHT = 5;
const MIN_FRAME_COLUMNS = 10;

export interface Ticks {
  /** First and last tick: the axis range. */
  min: number;
  max: number;
  step: number;
  values: number[];
  /** Decimals the step needs, for labels. */
  decimals: number;
}

/**
 * The smallest "nice" step (1, 2 or 5 × 10^k, and at least minStep) whose ticks cover [lo, hi] in
 * at most maxIntervals intervals; the range is widened to the enclosing ticks. A degenerate range is
 * widened first: a value v becomes v ± 10% (± 1 for zero).
 */
export function niceTicks(lo: number, hi: number, maxIntervals: number, minStep = 0): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RangeError(`cannot place ticks on [${lo}, ${hi}]`);
  let from = Math.min(lo, hi);
  let to = Math.max(lo, hi);
  if (from === to) {
    const pad = from === 0 ? 1 : Math.abs(from) * 0.1;
    from -= pad;
    to += pad;
  }
  const intervals = Math.max(1, Math.floor(maxIntervals));
  let exponent = Math.floor(Math.log10((to - from) / intervals));
  for (;;) {
    for (const factor of [1, 2, 5]) {
      const step = clean(factor * 10 ** exponent);
      if (step < minStep) continue;
      const first = Math.floor(from / step + 1e-9);
      const last = Math.ceil(to / step - 1e-9);
      if (last - first <= intervals) {
        const values: number[] = [];
        for (let i = first; i <= last; i++) values.push(clean(i * step));
        const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        return { min: clean(first * step), max: clean(last * step), step, values, decimals };
      }
    }
    exponent += 1;
  }
}

/** A tick value as its label, with the decimals its step needs and never `-0`. */
export function tickLabel(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * The chart as lines joined by `\n`: an optional header (unit, title, legend), the framed plot and a
 * line of x tick labels; exactly `height` lines, none longer than `width`, all right-trimmed.
 */
export function plotAscii(series: PlotSeries[], options: PlotOptions = {}): string {
  const height = Math.max(MIN_HEIGHT, Math.floor(options.height ?? DEFAULT_HEIGHT));
  const xStart = options.xStart ?? 0;
  const threshold =
    options.threshold && Number.isFinite(options.threshold.value) ? options.threshold : undefined;
  const legend = series.some((s) => s.label)
    ? series.map((s, i) => `${glyph(i)} ${s.label ?? `series ${i + 1}`}`).join('  ')
    : '';
  const heading = [options.title ?? '', legend].filter((part) => part !== '').join('   ');
  const headerRows = heading !== '' || options.yUnit ? 1 : 0;
  const rows = height - headerRows - 1;

  const yTicks = yAxis(series, threshold?.value, rows);
  const yLabels = yTicks.values.map((v) => tickLabel(v, yTicks.decimals));
  const labelWidth = Math.max(...yLabels.map((l) => l.length), options.yUnit?.length ?? 0);
  const left = labelWidth + 1;
  const right = threshold ? threshold.label.length + 1 : 0;
  const width = Math.max(Math.floor(options.width ?? DEFAULT_WIDTH), left + MIN_FRAME_COLUMNS + right);
  const columns = width - left - right;

  const count = series.reduce((n, s) => Math.max(n, s.points.length), 0);
  const xLo = count <= 1 ? xStart - 1 : xStart;
  const xHi = count <= 1 ? xStart + 1 : xStart + count - 1;
  const xLabelWidth = Math.max(String(xLo).length, String(xHi).length);
  const xTicks = niceTicks(xLo, xHi, (columns - 1) / Math.max(6, xLabelWidth + 3), 1);

  const rowOf = (y: number) => Math.round(((yTicks.max - y) / (yTicks.max - yTicks.min)) * (rows - 1));
  const colOf = (x: number) => Math.round(((x - xTicks.min) / (xTicks.max - xTicks.min)) * (columns - 1));

  const grid = frame(rows, columns, yTicks.values.map(rowOf), xTicks.values.map(colOf));
  const thresholdRow = threshold ? rowOf(threshold.value) : undefined;
  if (thresholdRow !== undefined) {
    const line = grid[thresholdRow] ?? [];
    // Over blanks, and over the border when the threshold falls on it; tick marks stay.
    for (let c = 1; c < columns - 1; c++) if (line[c] === ' ' || line[c] === '-') line[c] = THRESHOLD_GLYPH;
  }
  for (const [i, s] of series.entries()) {
    drawSeries(grid, s.points, glyph(i), (k) => colOf(xStart + k), rowOf);
  }

  const lines: string[] = [];
  if (headerRows) {
    const unit = (options.yUnit ?? '').padStart(labelWidth);
    const at = Math.max(unit.length + 1, left + Math.floor((columns - heading.length) / 2));
    lines.push(`${unit.padEnd(at)}${heading}`.slice(0, width));
  }
  const labelAt = new Map(yTicks.values.map((v, i) => [rowOf(v), yLabels[i] ?? '']));
  for (const [r, line] of grid.entries()) {
    const label = (labelAt.get(r) ?? '').padStart(labelWidth);
    const mark = r === thresholdRow && threshold ? ` ${threshold.label}` : '';
    lines.push(`${label} ${line.join('')}${mark}`);
  }
  lines.push(xLabelLine(xTicks, colOf, left, width));
  return lines.map((l) => l.trimEnd()).join('\n');
}

function glyph(index: number): string {
  return SERIES_GLYPHS[index % SERIES_GLYPHS.length] ?? '*';
}

/**
 * Ticks for the y values and the threshold. A threshold that would sit exactly on the frame's top or
 * bottom is moved inside by widening the range half a step, unless that would cross zero.
 */
function yAxis(series: PlotSeries[], threshold: number | undefined, rows: number): Ticks {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const y of series.flatMap((s) => s.points).concat(threshold ?? [])) {
    if (!Number.isFinite(y)) continue;
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  if (lo > hi) [lo, hi] = [0, 1];
  const intervals = Math.floor((rows - 1) / 2);
  const ticks = niceTicks(lo, hi, intervals);
  if (threshold === undefined) return ticks;
  const half = ticks.step / 2;
  if (threshold === ticks.max && threshold > lo && !(threshold <= 0 && threshold + half > 0)) {
    return niceTicks(lo, threshold + half, intervals);
  }
  if (threshold === ticks.min && threshold < hi && !(threshold >= 0 && threshold - half < 0)) {
    return niceTicks(threshold - half, hi, intervals);
  }
  return ticks;
}

/** The empty chart: `+---+` border, `|` sides, `++` tick marks on all four sides. */
function frame(rows: number, columns: number, yTickRows: number[], xTickCols: number[]): string[][] {
  const grid = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: columns }, (_, c) => {
      const edgeRow = r === 0 || r === rows - 1;
      const edgeCol = c === 0 || c === columns - 1;
      if (edgeRow && edgeCol) return '+';
      if (edgeRow) return '-';
      return edgeCol ? '|' : ' ';
    }),
  );
  const set = (r: number, c: number) => {
    const line = grid[r];
    if (line && c >= 0 && c < columns) line[c] = '+';
  };
  for (const r of yTickRows) for (const c of [0, 1, columns - 2, columns - 1]) set(r, c);
  for (const c of xTickCols) for (const r of [0, 1, rows - 2, rows - 1]) set(r, c);
  return grid;
}

/** Connects consecutive finite points with the glyph; a lone point is a single glyph. */
function drawSeries(
  grid: string[][],
  points: number[],
  mark: string,
  colOf: (index: number) => number,
  rowOf: (y: number) => number,
): void {
  const put = (r: number, c: number) => {
    const line = grid[r];
    if (line && c >= 0 && c < line.length) line[c] = mark;
  };
  for (const [k, y] of points.entries()) {
    if (!Number.isFinite(y)) continue;
    const next = points[k + 1];
    const c0 = colOf(k);
    const r0 = rowOf(y);
    put(r0, c0);
    if (next === undefined || !Number.isFinite(next)) continue;
    const c1 = colOf(k + 1);
    const r1 = rowOf(next);
    const steps = 2 * Math.max(Math.abs(c1 - c0), Math.abs(r1 - r0));
    for (let s = 1; s <= steps; s++) {
      put(Math.round(r0 + ((r1 - r0) * s) / steps), Math.round(c0 + ((c1 - c0) * s) / steps));
    }
  }
}

/** x tick labels centred under their ticks, never past the chart's width nor on top of each other. */
function xLabelLine(ticks: Ticks, colOf: (x: number) => number, left: number, width: number): string {
  let line = '';
  for (const value of ticks.values) {
    const label = tickLabel(value, ticks.decimals);
    const start = Math.min(left + colOf(value) - Math.floor((label.length - 1) / 2), width - label.length);
    if (start < line.length + (line === '' ? 0 : 1)) continue;
    line = line.padEnd(start) + label;
  }
  return line;
}

function clean(value: number): number {
  const rounded = Number(value.toPrecision(12));
  return rounded === 0 ? 0 : rounded;
}
