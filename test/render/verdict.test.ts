import { describe, expect, it } from 'vitest';
import type { CheckSeries } from '../../src/engine/result.ts';
import { mermaidChart } from '../../src/render/mermaid.ts';
import { checkReport, checkVerdict, formatValue, verdictLine, worstPoint } from '../../src/render/verdict.ts';

function series(values: number[], limits: Partial<CheckSeries> = {}): CheckSeries {
  return {
    check: 'health',
    unit: 'ms',
    ...limits,
    points: values.map((value, i) => ({ at: i * 1000, target: `app-${i + 1}`, value, status: 'pass' })),
  };
}

describe('verdictLine', () => {
  describe('against a maximum', () => {
    it('is CRITICAL when the value is greater than the maximum', () => {
      expect(verdictLine({ name: 'p95 latency', value: 412, max: 300, unit: 'ms' })).toBe(
        'CRITICAL: p95 latency (412.00 ms) is greater than maximum allowed (300.00 ms)',
      );
    });

    it('is OK when the value equals the maximum', () => {
      expect(verdictLine({ name: 'p95 latency', value: 300, max: 300, unit: 'ms' })).toBe(
        'OK: p95 latency (300.00 ms) is within limits (max 300.00 ms)',
      );
    });
  });

  describe('against a minimum', () => {
    it('is CRITICAL when the value is less than the minimum', () => {
      expect(verdictLine({ name: 'free disk', value: 4.5, min: 10, unit: '%' })).toBe(
        'CRITICAL: free disk (4.50 %) is less than minimum allowed (10.00 %)',
      );
    });

    it('is OK above the minimum, without a unit', () => {
      expect(verdictLine({ name: 'replicas', value: 3, min: 2 })).toBe(
        'OK: replicas (3.00) is within limits (min 2.00)',
      );
    });
  });

  describe('within limits', () => {
    it('lists both limits, minimum first', () => {
      expect(verdictLine({ name: 'queue', value: 7, min: 1, max: 100 })).toBe(
        'OK: queue (7.00) is within limits (min 1.00, max 100.00)',
      );
    });

    it('says when no limits are set', () => {
      expect(verdictLine({ name: 'queue', value: 7 })).toBe('OK: queue (7.00) is within limits (none set)');
    });
  });

  describe('formatValue', () => {
    it('always prints two decimals, never -0.00', () => {
      expect(formatValue(12, 'ms')).toBe('12.00 ms');
      expect(formatValue(0.005)).toBe('0.01');
      expect(formatValue(-0.001)).toBe('0.00');
      expect(formatValue(-2.5, '°C')).toBe('-2.50 °C');
    });
  });
});

describe('worstPoint', () => {
  it('is the highest value against a maximum', () => {
    expect(worstPoint(series([1, 9, 3], { max: 5 }))?.value).toBe(9);
  });

  it('is the lowest value against a minimum', () => {
    expect(worstPoint(series([4, 2, 3], { min: 1 }))?.value).toBe(2);
  });

  it('is the broken limit when there are both', () => {
    expect(worstPoint(series([4, 0, 3], { min: 1, max: 10 }))?.value).toBe(0);
    expect(worstPoint(series([4, 12, 0], { min: 1, max: 10 }))?.value).toBe(12);
  });

  it('is the last value without limits', () => {
    expect(worstPoint(series([4, 9, 3]))?.value).toBe(3);
  });

  it('is undefined without points', () => {
    expect(worstPoint(series([]))).toBeUndefined();
  });
});

describe('checkVerdict', () => {
  it('names the check and the target of the worst value', () => {
    expect(checkVerdict(series([120, 412, 130], { max: 300 }))).toBe(
      'CRITICAL: health on app-2 (412.00 ms) is greater than maximum allowed (300.00 ms)',
    );
  });
});

describe('checkReport', () => {
  it('is the chart, x as observations 1..n with the maximum drawn in, then the verdict line', () => {
    const lines = checkReport(series([120, 180, 412, 130], { max: 300 })).split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/^ ms +health: 4 observations$/);
    expect(lines.filter((l) => l.endsWith(' max 300.00 ms'))).toHaveLength(1);
    expect(lines[19]?.trim().split(/\s+/)).toContain('4');
    expect(lines[20]).toBe(
      'CRITICAL: health on app-3 (412.00 ms) is greater than maximum allowed (300.00 ms)',
    );
  });

  it('draws the minimum when only a minimum is set', () => {
    const report = checkReport(series([40, 30], { unit: '%', min: 10 }));
    expect(report).toContain(' min 10.00 %');
    expect(report.split('\n').at(-1)).toBe('OK: health on app-2 (30.00 %) is within limits (min 10.00 %)');
  });

  it('draws no threshold and judges the last value without limits', () => {
    const report = checkReport(series([5, 6, 7], { unit: undefined }));
    expect(report).not.toContain('=');
    expect(report.split('\n').at(-1)).toBe('OK: health on app-3 (7.00) is within limits (none set)');
  });

  it('is only the empty chart for a check without points', () => {
    const report = checkReport(series([]));
    expect(report).not.toMatch(/OK|CRITICAL/);
    expect(report).toContain('health: 0 observations');
  });

  describe('of an e-value, which spans orders of magnitude (scale: log)', () => {
    const eValues = series([0.5, 1, 3, 40, 25_000], {
      unit: undefined,
      metric: 'e-value',
      scale: 'log',
      max: 100,
    });

    it('draws log10 of the values, with the limit at log10 of 1/alpha', () => {
      const lines = checkReport(eValues).split('\n');
      expect(lines[0]).toMatch(/^\s*log10 e-value +health: 5 observations, log scale$/);
      expect(lines.find((l) => l.endsWith(' max 100.00'))).toMatch(/^\s+2 \+\+=+/);
      expect(
        lines.filter((l) => /^\s+-?\d+ \+\+/.test(l)).map((l) => Number(l.trim().split(' ')[0])),
      ).toEqual([5, 4, 3, 2, 1, 0, -1]);
    });

    it('names the metric in the verdict line', () => {
      expect(checkVerdict(eValues)).toBe(
        'CRITICAL: health e-value on app-5 (25000.00) is greater than maximum allowed (100.00)',
      );
    });

    it('charts log10 in Mermaid too, the limit line at 2', () => {
      const chart = mermaidChart(eValues) ?? '';
      expect(chart).toContain('y-axis "log10 e-value"');
      expect(chart).toContain('line [2, 2, 2, 2, 2]');
      expect(chart).toMatch(/line \[-0\.30103, 0, 0\.477121, 1\.60206, 4\.39794\]/);
    });
  });

  it('passes width and height on to the chart', () => {
    const lines = checkReport(series([1, 2, 3], { max: 2 }), { width: 50, height: 10 }).split('\n');
    expect(lines).toHaveLength(11);
    expect(Math.max(...lines.slice(0, 10).map((l) => l.length))).toBe(50);
  });
});
