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
        unit: result.unit,
        max: result.threshold?.max,
        min: result.threshold?.min,
        points: [],
      };
      this.byCheck.set(result.check, series);
    }
    if (result.value !== undefined && Number.isFinite(result.value)) {
      series.points.push({ at, target, value: result.value, status: result.status });
    }
  }

  all(): CheckSeries[] {
    return [...this.byCheck.values()];
  }
}
