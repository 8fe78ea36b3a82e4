import { expect } from 'vitest';
import type { ActionRun } from './runner.ts';

/** `METHOD path` of every request, in the order the Action sent them. */
export function sequence(run: ActionRun): string[] {
  return run.recording.requests.map((r) => `${r.method} ${r.path}`);
}

/** The bodies of the requests to method+path (suffix match), in order. */
export function bodies(run: ActionRun, method: string, pathEnd: string): Record<string, unknown>[] {
  return run.recording.requests
    .filter((r) => r.method === method && r.path.endsWith(pathEnd))
    .map((r) => r.body as Record<string, unknown>);
}

/** Strict HTTP: nothing unmatched reached nock and every interaction was used. */
export function expectAllScopesDone(run: ActionRun): void {
  expect(run.recording.unmatched).toEqual([]);
  expect(run.recording.pending).toEqual([]);
}

/** The output.summary of a check-run request body. */
export function summaryOf(body: Record<string, unknown> | undefined): string {
  return (body?.output as { summary?: string } | undefined)?.summary ?? '';
}

/** The output.title of a check-run request body. */
export function titleOf(body: Record<string, unknown> | undefined): string {
  return (body?.output as { title?: string } | undefined)?.title ?? '';
}
