/**
 * Every input and output of the Action, and the only module that touches `@actions/core` for them
 * (and for the job summary). action.yml declares the same names, defaults and descriptions; a
 * contract test holds the two together.
 */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { z } from 'zod';
import type { Logger } from '../github/deployments.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the expression the runner evaluates to the job's token.
export const TOKEN_EXPRESSION = '${{ github.token }}';

interface InputSpec {
  description: string;
  /** As action.yml writes it; absent for an input without a default. */
  default?: string;
  required: boolean;
}

export const INPUTS = {
  config: {
    description:
      'Path of the Tranche configuration, from the repository root; or a directory (a checkout) holding it as `.github/tranche.yml` or `tranche.yml`. Default: the workspace, so `.github/tranche.yml`, else `tranche.yml`.',
    required: false,
  },
  environment: {
    description:
      'The environment to deploy to. Default: the environment of the `deployment` event, else the only one the configuration defines.',
    required: false,
  },
  'github-token': {
    description:
      'Token for the check run, deployments and version tags (contents, deployments and checks: write).',
    default: TOKEN_EXPRESSION,
    required: false,
  },
  ledger: {
    description:
      'Where versions and records live: `github` (version tags and GitHub deployments, no database), a SQLite file path, or a `postgres://` URL (pass it as a secret).',
    default: 'github',
    required: false,
  },
  'dry-run': {
    description:
      'Plan only: report the batches a deploy would run to a neutral check run; no commands, tags or deployments, and no ledger opened or made.',
    default: 'false',
    required: false,
  },
  'production-environment': {
    description:
      'Mark the created deployment as a production environment (true or false). Default: GitHub’s.',
    required: false,
  },
  'transient-environment': {
    description: 'Mark the created deployment’s environment as transient (true or false). Default: GitHub’s.',
    required: false,
  },
} as const satisfies Record<string, InputSpec>;

export const OUTPUTS = {
  version: { description: 'The version deployed (empty for a dry run).' },
  decision: {
    description: 'How the run ended: succeeded, rolled_back, halted, cancelled, or planned (dry run).',
  },
  'reason-code': {
    description: 'Why it ended that way, e.g. all_batches_healthy, check_failed, cancelled, dry_run.',
  },
  'deployment-id': { description: 'The id of the GitHub deployment (empty for a dry run).' },
  'check-run-id': { description: 'The id of the check run `tranche / <environment>`.' },
  result: { description: 'The engine’s result object as JSON (schemaVersion 1); for a dry run, the plan.' },
} as const satisfies Record<string, { description: string }>;

export type InputName = keyof typeof INPUTS;
export type OutputName = keyof typeof OUTPUTS;

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s));

/** YAML 1.2 core-schema booleans, as core.getBooleanInput reads them. */
const yamlBoolean = (name: InputName) =>
  z
    .string()
    .trim()
    .refine((s) => /^(true|True|TRUE|false|False|FALSE)$/.test(s), {
      message: `input ${name} must be true or false`,
    })
    .transform((s) => s.toLowerCase() === 'true');

/** Left empty: undefined; else as yamlBoolean (one schema, so that its message is the one given). */
const optionalBoolean = (name: InputName) =>
  z
    .string()
    .trim()
    .refine((s) => s === '' || /^(true|True|TRUE|false|False|FALSE)$/.test(s), {
      message: `input ${name} must be true or false, or left empty`,
    })
    .transform((s) => (s === '' ? undefined : s.toLowerCase() === 'true'));

export const inputsSchema = z.object({
  config: optionalText,
  environment: optionalText,
  'github-token': z
    .string()
    .trim()
    .min(1, `input github-token is empty: pass ${TOKEN_EXPRESSION} or a token secret`),
  ledger: z.string().trim().min(1, 'input ledger is empty: use github, a SQLite path or a postgres:// URL'),
  'dry-run': yamlBoolean('dry-run'),
  'production-environment': optionalBoolean('production-environment'),
  'transient-environment': optionalBoolean('transient-environment'),
});

export type Inputs = z.infer<typeof inputsSchema>;

export class InputError extends Error {
  override name = 'InputError';
}

/** Every input, parsed; the token is masked in the log before anything else happens. */
export function readInputs(): Inputs {
  const raw = Object.fromEntries(
    Object.entries(INPUTS).map(([name, spec]) => [name, core.getInput(name) || literalDefault(spec)]),
  );
  const token = raw['github-token'];
  if (token) core.setSecret(token);
  const parsed = inputsSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** The default the runner would have filled in, unless it is an expression only the runner can evaluate. */
function literalDefault(spec: InputSpec): string {
  return spec.default === undefined || spec.default === TOKEN_EXPRESSION ? '' : spec.default;
}

export function writeOutputs(outputs: Record<OutputName, string>): void {
  for (const name of Object.keys(OUTPUTS) as OutputName[]) core.setOutput(name, outputs[name]);
}

export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

export function fail(message: string): void {
  core.setFailed(message);
}

/** An error annotation on a file of the repository (config problems). */
export function annotateError(message: string, file: string, line?: number, column?: number): void {
  core.error(message, {
    file,
    ...(line !== undefined ? { startLine: line } : {}),
    ...(column !== undefined ? { startColumn: column } : {}),
  });
}

export const actionLog: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
};

/** What the runner tells every step through its environment. */
const runContextSchema = z.object({
  GITHUB_REPOSITORY: z.string().regex(/^[^/]+\/[^/]+$/, 'GITHUB_REPOSITORY must be owner/repo'),
  GITHUB_SHA: z.string().regex(/^[0-9a-f]{40}$/i, 'GITHUB_SHA must be a commit SHA'),
  GITHUB_EVENT_NAME: z.string().min(1),
  GITHUB_EVENT_PATH: z.string().optional(),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_SERVER_URL: z.string().url().default('https://github.com'),
  GITHUB_RUN_ID: z.string().optional(),
  GITHUB_ACTOR: z.string().optional(),
});

const deploymentEventSchema = z.object({
  deployment: z.object({
    id: z.number().int(),
    sha: z.string(),
    environment: z.string(),
    payload: z.unknown(),
  }),
});

export interface RunContext {
  owner: string;
  repo: string;
  sha: string;
  eventName: string;
  workspace: string;
  /** The run's page, for log_url and details_url. */
  runUrl: string | undefined;
  /** GitHub's web address (GITHUB_SERVER_URL), for links. */
  serverUrl: string;
  /** Who started the workflow run (GITHUB_ACTOR), as notifications name them. */
  actor: string | null;
  /** The deployment of a `deployment` event. */
  deployment: { id: number; sha: string; environment: string; payload: unknown } | undefined;
}

export function readRunContext(env: Record<string, string | undefined> = process.env): RunContext {
  const parsed = runContextSchema.safeParse(env);
  if (!parsed.success) {
    throw new InputError(
      `not running in GitHub Actions? ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`,
    );
  }
  const c = parsed.data;
  const [owner, repo] = c.GITHUB_REPOSITORY.split('/') as [string, string];
  let deployment: RunContext['deployment'];
  if (c.GITHUB_EVENT_NAME === 'deployment') {
    if (!c.GITHUB_EVENT_PATH) throw new InputError('a deployment event without GITHUB_EVENT_PATH');
    const event = deploymentEventSchema.safeParse(JSON.parse(readFileSync(c.GITHUB_EVENT_PATH, 'utf8')));
    if (!event.success)
      throw new InputError(`the deployment event has no usable deployment: ${event.error.message}`);
    deployment = event.data.deployment;
  }
  return {
    owner,
    repo,
    sha: deployment?.sha ?? c.GITHUB_SHA,
    eventName: c.GITHUB_EVENT_NAME,
    workspace: c.GITHUB_WORKSPACE,
    runUrl: c.GITHUB_RUN_ID
      ? `${c.GITHUB_SERVER_URL}/${c.GITHUB_REPOSITORY}/actions/runs/${c.GITHUB_RUN_ID}`
      : undefined,
    serverUrl: c.GITHUB_SERVER_URL,
    actor: c.GITHUB_ACTOR ?? null,
    deployment,
  };
}
