import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUTS } from '../../src/action/io.ts';
import { itPassesTheWorkflowValidators } from '../support/workflow-lint.ts';

const DIR = fileURLToPath(new URL('../../.github/workflows/', import.meta.url));
const FILES = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const read = (file: string) => readFileSync(`${DIR}${file}`, 'utf8');
const steps = (file: string) =>
  Object.values((parse(read(file)) as Workflow).jobs).flatMap((job) => job.steps);

describe('.github/workflows', () => {
  it('has CI, the dist check, actionlint, the release and the self-test', () => {
    expect(FILES.toSorted()).toEqual([
      'actionlint.yml',
      'check-dist.yml',
      'ci.yml',
      'release.yml',
      'self-test.yml',
    ]);
  });

  describe.each(FILES)('%s', (file) => {
    const text = read(file);

    itPassesTheWorkflowValidators(file, text);

    it('sets its token’s permissions, and puts no expression into a shell script (values go through env)', () => {
      expect((parse(text) as Workflow).permissions).toBeDefined();
      for (const step of steps(file)) expect(step.run ?? '').not.toContain('${{');
    });
  });

  it('CI runs the same script as any machine: .ci/run', () => {
    expect(steps('ci.yml').map((step) => step.run)).toContain('bash .ci/run');
  });

  it('the self-test runs the Action from this checkout in dry-run, with inputs it declares', () => {
    const self = steps('self-test.yml').find((step) => step.uses === './');
    expect(self?.with).toMatchObject({ 'dry-run': 'true' });
    for (const name of Object.keys(self?.with ?? {})) expect(Object.keys(INPUTS)).toContain(name);
  });

  it('the release tags vX.Y.Z and moves vX, after the whole check passes', () => {
    const scripts = steps('release.yml').map((step) => step.run ?? '');
    const check = scripts.indexOf('bash .ci/run');
    const tagging = scripts.findIndex((run) => run.includes('git push --force origin "refs/tags/$MAJOR"'));
    expect(check).toBeGreaterThanOrEqual(0);
    expect(tagging).toBeGreaterThan(check);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, on purpose.
    expect(scripts.join('\n')).toContain('echo "major=v${version%%.*}"');
  });
});
