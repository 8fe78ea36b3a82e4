/**
 * Runs the bundled Action (dist/index.js) as its own process, the way a runner does: inputs as
 * INPUT_* variables (defaults from action.yml filled in), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * GITHUB_EVENT_PATH and the other GITHUB_* variables, with GitHub's API played by nock (preload.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { TOKEN_EXPRESSION } from '../../../src/action/io.ts';
import { type Interaction, OWNER, REPO, type Recording, SHA } from './scenario.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The runner's own token in the Action's environment: no command may see it. */
export const RUNTIME_TOKEN = 'runtime-token-for-the-runner-only';

export const ACTION_BUNDLE = join(ROOT, 'dist/index.js');
const PRELOAD = fileURLToPath(new URL('./preload.ts', import.meta.url));
export const TEST_TOKEN = 'ghs_testtoken0123456789abcdefABCDEF';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  recording: Recording;
}

export interface ActionOptions {
  /** The checked-out repository: GITHUB_WORKSPACE, where tranche.yml and the scripts are. */
  workspace: string;
  inputs?: Record<string, string>;
  interactions: Interaction[];
  event?: { name: string; payload: unknown };
  /** Plays GitHub's API instead of preload.ts, from `scenario` (then written instead of the interactions). */
  github?: { preload: string; scenario: unknown };
  /** More of the step's environment (a workflow's `env:`). */
  env?: Record<string, string>;
}

export interface StartedAction {
  child: ChildProcess;
  /** Resolves once the process has exited, with everything it wrote. */
  done: Promise<ActionRun>;
  /** Resolves when stdout has a line matching the pattern. */
  waitFor(pattern: RegExp): Promise<void>;
}

/** What the runner puts in INPUT_*: every input, defaults from action.yml, expressions evaluated. */
function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? (spec.default === TOKEN_EXPRESSION ? TEST_TOKEN : (spec.default ?? ''));
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

export function startAction(options: ActionOptions): StartedAction {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-runner-'));
  const file = (name: string, text = '') => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const files = {
    scenario: file('scenario.json', JSON.stringify(options.github?.scenario ?? options.interactions)),
    record: join(dir, 'record.json'),
    output: file('output'),
    summary: file('summary.md'),
    event: file('event.json', JSON.stringify(options.event?.payload ?? { after: SHA })),
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: options.event?.name ?? 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    // What a real runner hands JavaScript actions (and not `run:` steps).
    ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN,
    ACTIONS_RESULTS_URL: 'https://results.example.test/',
    TRANCHE_TEST_SCENARIO: files.scenario,
    TRANCHE_TEST_RECORD: files.record,
    ...inputEnv(options.inputs ?? {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', options.github?.preload ?? PRELOAD, ACTION_BUNDLE], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => w.pattern.test(stdout))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<ActionRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          outputs: parseOutputs(readFileSync(files.output, 'utf8')),
          summary: readFileSync(files.summary, 'utf8'),
          recording: JSON.parse(readFileSync(files.record, 'utf8')) as Recording,
        });
      } catch (error) {
        reject(
          new Error(`the Action left no recording (exit ${code}): ${stderr || stdout}`, { cause: error }),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (pattern.test(stdout)) resolve();
      else waiters.push({ pattern, resolve });
    });
  return { child, done, waitFor };
}

export function runAction(options: ActionOptions): Promise<ActionRun> {
  return startAction(options).done;
}

/** GITHUB_OUTPUT's `name<<DELIMITER … DELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}
