import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUTS, OUTPUTS } from '../../src/action/io.ts';
import { githubParserErrors, itPassesTheWorkflowValidators, runLint } from '../support/workflow-lint.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}/${path}`, 'utf8');
const actionYml = read('action.yml');
const metadata = parse(actionYml) as {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding?: { icon: string; color: string };
};
const WORKFLOWS = readdirSync(`${ROOT}/examples/workflows`).filter((f) => f.endsWith('.yml'));

describe('action.yml', () => {
  describe('against the typed input and output registry (src/action/io.ts)', () => {
    it('declares exactly the inputs io.ts reads, in the same order', () => {
      expect(Object.keys(metadata.inputs)).toEqual(Object.keys(INPUTS));
    });

    it('gives each input the description, default and required flag io.ts has', () => {
      for (const [name, spec] of Object.entries(INPUTS)) {
        expect(metadata.inputs[name], name).toEqual({
          description: spec.description,
          required: spec.required,
          ...('default' in spec ? { default: spec.default } : {}),
        });
      }
    });

    it('declares exactly the outputs io.ts writes, with their descriptions', () => {
      expect(metadata.outputs).toEqual(OUTPUTS);
    });

    it('uses kebab-case names, as Actions conventions ask', () => {
      for (const name of [...Object.keys(INPUTS), ...Object.keys(OUTPUTS)])
        expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    });
  });

  it('runs the committed bundle on Node 24, with branding', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(read('dist/index.js').length).toBeGreaterThan(0);
    expect(metadata.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });

  describe('checked by GitHub’s own parser (@actions/workflow-parser)', () => {
    it('has no errors', () => {
      expect(githubParserErrors('action', 'action.yml', actionYml)).toEqual([]);
    });

    it('would catch a mistake (the check can fail)', () => {
      const broken = actionYml.replace('using: node24', 'using: node99');
      expect(githubParserErrors('action', 'action.yml', broken)).toEqual([
        expect.stringContaining("Unexpected value 'node99'"),
      ]);
    });
  });
});

describe.each(WORKFLOWS)('examples/workflows/%s', (file) => {
  const text = read(`examples/workflows/${file}`);

  itPassesTheWorkflowValidators(file, text);

  it('passes only inputs the Action declares, and asks for the permissions it needs', () => {
    const workflow = parse(text) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const tranche = steps.filter((s) => s.uses?.startsWith('tranche-dev/tranche@'));
    expect(tranche).toHaveLength(1);
    for (const name of Object.keys(tranche[0]?.with ?? {})) expect(Object.keys(INPUTS)).toContain(name);
    expect(workflow.permissions).toEqual({ contents: 'write', deployments: 'write', checks: 'write' });
  });
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, on purpose.
const UNTRUSTED = '${{ github.event.head_commit.message }}';

describe('the example-workflow validators', () => {
  it('catch an untrusted expression in a run script (actionlint)', async () => {
    const bad = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: echo "${UNTRUSTED}"`,
      '',
    ].join('\n');
    const findings = await runLint(bad, 'bad.yml');
    expect(findings.map((f) => f.kind)).toContain('expression');
  });

  it('catch an unknown key (GitHub’s parser and action-validator)', () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n';
    expect(githubParserErrors('workflow', 'bad.yml', bad)).not.toEqual([]);
    expect(validateWorkflow(bad).errors).not.toEqual([]);
  });
});

describe('the Action reference in docs/action.md', () => {
  const page = read('docs/action.md');

  it('has a row for every input, with its default and description', () => {
    for (const [name, spec] of Object.entries(INPUTS)) {
      const value = 'default' in spec ? `\`${spec.default}\`` : '—';
      const row = `| \`${name}\` | ${value} | ${spec.description} |`;
      expect(page.includes(row), row).toBe(true);
    }
  });

  it('has a row for every output', () => {
    for (const [name, spec] of Object.entries(OUTPUTS)) {
      const row = `| \`${name}\` | ${spec.description} |`;
      expect(page.includes(row), row).toBe(true);
    }
  });
});
