import { describe, expect, it } from 'vitest';
import { niceTicks, plotAscii, tickLabel } from '../../src/render/ascii-plot.ts';

const ramp = (n: number, from = 0, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);

describe('niceTicks', () => {
  describe('steps', () => {
    it('picks 20 for 1300..1480 in at most 9 intervals, like the gnuplot example', () => {
      const ticks = niceTicks(1300, 1480, 9);
      expect(ticks).toMatchObject({ min: 1300, max: 1480, step: 20, decimals: 0 });
      expect(ticks.values).toHaveLength(10);
    });

    it('only ever uses 1, 2 or 5 times a power of ten', () => {
      for (const [lo, hi, n] of [
        [0, 7, 3],
        [0.013, 0.7, 4],
        [-120, 3400, 6],
        [1, 1e6, 9],
      ] as const) {
        const mantissa = niceTicks(lo, hi, n).step / 10 ** Math.floor(Math.log10(niceTicks(lo, hi, n).step));
        expect([1, 2, 5]).toContain(Math.round(mantissa * 1e9) / 1e9);
      }
    });

    it('widens the range outward to whole steps', () => {
      expect(niceTicks(3, 17, 4)).toMatchObject({ min: 0, max: 20, step: 5, values: [0, 5, 10, 15, 20] });
    });

    it('never uses more intervals than allowed', () => {
      for (let n = 1; n <= 12; n++) {
        const ticks = niceTicks(-37, 912, n);
        expect(ticks.values.length - 1).toBeLessThanOrEqual(n);
      }
    });

    it('respects a minimum step, for integer x positions', () => {
      expect(niceTicks(0, 1, 8, 1)).toMatchObject({ step: 1, values: [0, 1] });
      expect(niceTicks(0, 12, 8, 1)).toMatchObject({ step: 2, values: [0, 2, 4, 6, 8, 10, 12] });
    });
  });

  describe('values', () => {
    it('gives clean decimals without floating-point noise', () => {
      expect(niceTicks(0, 1, 5).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
      expect(niceTicks(0, 0.3, 3).values).toEqual([0, 0.1, 0.2, 0.3]);
    });

    it('handles ranges below zero', () => {
      expect(niceTicks(-3, 2, 5).values).toEqual([-3, -2, -1, 0, 1, 2]);
    });

    it('widens a single value by 10% on each side before picking ticks', () => {
      expect(niceTicks(5, 5, 9)).toMatchObject({ min: 4.4, max: 5.6, step: 0.2 });
    });

    it('widens zero by one on each side', () => {
      expect(niceTicks(0, 0, 2)).toMatchObject({ min: -1, max: 1, step: 1 });
    });
  });

  describe('tickLabel', () => {
    it('prints the decimals the step needs and never -0', () => {
      expect(tickLabel(0.2, 1)).toBe('0.2');
      expect(tickLabel(-0, 0)).toBe('0');
      expect(tickLabel(-0.00001, 2)).toBe('0.00');
      expect(tickLabel(1480, 0)).toBe('1480');
    });
  });
});

describe('plotAscii', () => {
  describe('geometry', () => {
    it('is exactly 20 lines of at most 72 columns by default, the frame exactly 72 wide', () => {
      const lines = plotAscii([{ points: ramp(30, 100, 7) }]).split('\n');
      expect(lines).toHaveLength(20);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(72);
      expect(lines[0]).toHaveLength(72);
      expect(lines[18]).toHaveLength(72);
    });

    it('honours a custom width and height, header included', () => {
      const lines = plotAscii([{ points: [3, 1, 4, 1, 5] }], { width: 40, height: 10, title: 'pi' }).split(
        '\n',
      );
      expect(lines).toHaveLength(10);
      expect(Math.max(...lines.map((l) => l.length))).toBe(40);
    });

    it('right-trims every line', () => {
      const plot = plotAscii([{ points: [1, 9, 2, 8] }], { title: 't', yUnit: 'ms' });
      for (const line of plot.split('\n')) expect(line).toBe(line.trimEnd());
    });

    it('draws the frame with ++ tick marks, | sides and a +---+ border', () => {
      const lines = plotAscii([{ points: ramp(11, 0, 1) }], { width: 40, height: 12 }).split('\n');
      expect(lines[0]).toMatch(/^10 \+\+-+\+-+/);
      expect(lines[0]).toMatch(/\+\+$|\*$/);
      expect(lines[1]).toMatch(/^ {3}\+ /);
      expect(lines[3]).toMatch(/^ {3}\|/);
      expect(lines[10]).toMatch(/^ 0 [*+]/);
    });
  });

  describe('axis labels', () => {
    it('puts y tick labels right-aligned at their rows, every other row', () => {
      const lines = plotAscii([{ points: ramp(11, 0, 1) }], { width: 40, height: 12 }).split('\n');
      const labelled = lines.slice(0, 11).map((l) => l.slice(0, 2).trim());
      expect(labelled).toEqual(['10', '', '8', '', '6', '', '4', '', '2', '', '0']);
    });

    it('puts x tick labels under their ticks, the last one inside the width', () => {
      const lines = plotAscii([{ points: ramp(11, 0, 1) }], { width: 40, height: 12 }).split('\n');
      const xs = lines[11] ?? '';
      expect(xs.trim().split(/\s+/)).toEqual(['0', '2', '4', '6', '8', '10']);
      expect(xs.indexOf('0')).toBe(3);
      expect(xs.length).toBeLessThanOrEqual(40);
    });

    it('shows the unit right-aligned above the y labels and the title centred over the frame', () => {
      const lines = plotAscii([{ points: [1, 2] }], {
        width: 40,
        height: 10,
        title: 'p95',
        yUnit: 'ms',
      }).split('\n');
      // Labels like "2.0" take 3 columns, the frame columns 4..39: the title starts at 4 + (36 - 3) / 2.
      expect(lines[0]).toBe(` ms${' '.repeat(17)}p95`);
      expect(lines[1]).toMatch(/^2\.0 \+/);
    });

    it('lists labelled series with their glyphs in the header', () => {
      const plot = plotAscii(
        [
          { label: 'app', points: [1, 2, 3] },
          { label: 'db', points: [3, 2, 1] },
        ],
        { width: 50, height: 12 },
      );
      expect(plot.split('\n')[0]?.trim()).toBe('* app  # db');
      expect(plot).toContain('#');
    });
  });

  describe('threshold', () => {
    it('draws a row of = at the threshold value, labelled right of the frame at the full width', () => {
      const lines = plotAscii([{ points: ramp(11, 0, 1) }], {
        width: 40,
        height: 12,
        threshold: { value: 4, label: 'max 4' },
      }).split('\n');
      // 0..10 in steps of 2 over rows 0..10: 4 is row 6.
      expect(lines[6]).toMatch(/^ 4 \+\+=+.*\+\+ max 4$/);
      expect(lines[6]).toHaveLength(40);
      expect(lines.filter((l) => l.includes('max 4'))).toHaveLength(1);
    });

    it('keeps a threshold above every value inside the frame, not on its top border', () => {
      const lines = plotAscii([{ points: [100, 200, 250] }], {
        width: 50,
        height: 12,
        threshold: { value: 300, label: 'max 300' },
      }).split('\n');
      const row = lines.findIndex((l) => l.endsWith('max 300'));
      expect(row).toBeGreaterThan(0);
      expect(lines[0]).toMatch(/^350 /);
    });

    it('includes a threshold far below the values in the y-range', () => {
      const lines = plotAscii([{ points: [10_000, 12_000, 11_000] }], {
        height: 12,
        threshold: { value: 300, label: 'max 300' },
      }).split('\n');
      const row = lines.findIndex((l) => l.endsWith('max 300'));
      expect(row).toBeGreaterThan(-1);
      expect(lines[row]).toContain('=');
      expect(lines.slice(0, row).join('\n')).toContain('*');
    });

    it('includes a threshold far above the values in the y-range', () => {
      const lines = plotAscii([{ points: [1, 2, 3] }], {
        height: 12,
        threshold: { value: 1000, label: 'max 1000' },
      }).split('\n');
      const row = lines.findIndex((l) => l.endsWith('max 1000'));
      expect(row).toBeGreaterThan(0);
      expect(lines.slice(row + 1).join('\n')).toContain('*');
    });
  });

  describe('awkward data', () => {
    it('draws a single point as one glyph in the middle, x ticks around it', () => {
      const lines = plotAscii([{ points: [42] }], { width: 41, height: 9 }).split('\n');
      expect(lines.join('\n').match(/\*/g)).toHaveLength(1);
      expect(lines[8]?.trim().split(/\s+/)).toEqual(['-1', '0', '1']);
    });

    it('draws all-equal values as a flat line in the middle row', () => {
      const lines = plotAscii([{ points: [5, 5, 5, 5] }], { width: 40, height: 10 }).split('\n');
      expect(lines[4]).toMatch(/^5\.0 \*+$/);
      expect(lines.filter((l) => l.includes('*'))).toHaveLength(1);
    });

    it('labels negative values and zero', () => {
      const plot = plotAscii([{ points: [-3, -1, 2, -0.5] }], { width: 50, height: 12 });
      const labels = plot
        .split('\n')
        .slice(0, 11)
        .map((l) => l.slice(0, 2).trim())
        .filter((l) => l !== '');
      expect(labels).toEqual(['2', '1', '0', '-1', '-2', '-3']);
    });

    it('leaves a gap at non-finite values', () => {
      const plot = plotAscii([{ points: [1, Number.NaN, 1] }], { width: 40, height: 8 });
      expect(plot).not.toMatch(/\*{3}/);
    });

    it('draws an empty frame for no points', () => {
      const lines = plotAscii([], { width: 30, height: 8 }).split('\n');
      expect(lines).toHaveLength(8);
      expect(lines.join('')).not.toContain('*');
    });

    it('copes with a long series', () => {
      const lines = plotAscii([{ points: ramp(200_000, 0, 0.001) }]).split('\n');
      expect(lines).toHaveLength(20);
      expect(lines.at(-1)?.trim().split(/\s+/).at(-1)).toBe('200000');
    });

    it('is deterministic', () => {
      const draw = () =>
        plotAscii([{ points: [3, 1, 4, 1, 5, 9, 2, 6] }], { threshold: { value: 5, label: 'max 5' } });
      expect(draw()).toBe(draw());
    });
  });

  describe('snapshot', () => {
    it('reads like a gnuplot dumb chart', () => {
      const latencies = [118, 124, 121, 131, 127, 135, 129, 142, 138, 151, 187, 246, 318, 412];
      expect(
        '\n' +
          plotAscii([{ points: latencies }], {
            title: 'p95 latency',
            yUnit: 'ms',
            xStart: 1,
            threshold: { value: 300, label: 'max 300 ms' },
          }),
      ).toMatchInlineSnapshot(`
        "
         ms                        p95 latency
        450 ++------+-------+-------+-------+-------+-------+------++
            +       +       +       +       +       +       +       +
        400 ++                                                     +*
            |                                                      **
            |                                                     **|
        350 ++                                                   **++
            |                                                   **  |
        300 ++=================================================**==++ max 300 ms
            |                                                 **    |
            |                                                **     |
        250 ++                                              **     ++
            |                                              *        |
        200 ++                                           **        ++
            |                                           **          |
            |                                         **            |
        150 ++             ****    ****    ***********             ++
            +   *********** + ***** + ***** +       +       +       +
        100 ++------+-------+-------+-------+-------+-------+------++
            0       2       4       6       8       10      12      14"
      `);
    });
  });
});
