import type { CheckResult } from './ports.ts';
import type { CheckSeries } from './result.ts';

/** Collects every numeric check observation, per check, for plots and verdict lines. */
export class SeriesRecorder {
  private readonly byCheck = new Map<string, CheckSeries>();

  observe(result: CheckResult, target: string, at: number): void {
    let series = this.byCheck.get(result.check);
    if (!series) {
      series = {
        check: result.check,
        metric: result.metric,
        unit: result.unit,
        scale: result.scale,
        max: result.threshold?.max,
        min: result.threshold?.min,
        points: [],
      };
      this.byCheck.set(result.check, series);
    }
    // A first observation without limits (an analysis still waiting for data) leaves them to later ones.
    series.unit ??= result.unit;
    series.metric ??= result.metric;
    series.scale ??= result.scale;
    series.max ??= result.threshold?.max;
    series.min ??= result.threshold?.min;
    if (result.value !== undefined && Number.isFinite(result.value)) {
      series.points.push({ at, target, value: result.value, status: result.status });
    }
  }

  all(): CheckSeries[] {
    return [...this.byCheck.values()];
  }
}
