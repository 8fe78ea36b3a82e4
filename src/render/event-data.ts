/** Typed reads of an event's loosely typed `data`: a wrong or missing field reads as undefined. */
import type { DeployEvent } from '../engine/ports.ts';

export function dataString(event: DeployEvent, key: string): string | undefined {
  const value = event.data?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function dataNumber(event: DeployEvent, key: string): number | undefined {
  const value = event.data?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function dataBoolean(event: DeployEvent, key: string): boolean | undefined {
  const value = event.data?.[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function dataStrings(event: DeployEvent, key: string): string[] | undefined {
  const value = event.data?.[key];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** A version field that may be null (no previous version). */
export function dataVersion(event: DeployEvent, key: string): string | null | undefined {
  const value = event.data?.[key];
  return typeof value === 'string' || value === null ? value : undefined;
}

/** The fields of a `check` event's data. */
export interface CheckData {
  check: string;
  status: string;
  value?: number | undefined;
  unit?: string | undefined;
  max?: number | undefined;
  min?: number | undefined;
  slow: boolean;
  /** What the value measures (`p95`), when the checker says; `value` otherwise. */
  metric: string;
}

export function checkData(event: DeployEvent): CheckData {
  return {
    check: dataString(event, 'check') ?? 'check',
    status: dataString(event, 'status') ?? (event.status === 'ok' ? 'pass' : 'fail'),
    value: dataNumber(event, 'value'),
    unit: dataString(event, 'unit'),
    max: dataNumber(event, 'max'),
    min: dataNumber(event, 'min'),
    slow: dataBoolean(event, 'slow') ?? false,
    metric: dataString(event, 'metric') ?? 'value',
  };
}
