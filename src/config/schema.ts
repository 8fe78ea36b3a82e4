/**
 * The one schema of tranche.yml. Validation, defaults, the JSON Schema in schema/ and the
 * configuration reference in README.md all come from here.
 */
import { z } from 'zod';
import { ON_FAILURE } from '../engine/vocabulary.ts';
import { checkReferenceIssues, duplicateNameIssues } from './cross-checks.ts';
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from './duration.ts';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const ALWAYS = { when: () => true };

function integerAtLeast(min: number) {
  const error = `expected an integer ≥ ${min}`;
  return z.int({ error }).min(min, { error });
}

function numberAtLeast(min: number) {
  const error = `expected a number ≥ ${min}`;
  return z.number({ error }).min(min, { error });
}

function nonEmptyString() {
  return z.string().min(1, { error: 'must not be empty' });
}

export const durationSchema = z
  .union(
    [
      z.number({ error: DURATION_HINT }).min(0, { error: DURATION_HINT }),
      z.string({ error: DURATION_HINT }).regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT }),
    ],
    { error: DURATION_HINT },
  )
  .transform((value) => parseDuration(value))
  .meta({
    id: 'Duration',
    title: 'duration',
    description: 'A duration such as 300ms, 30s, 2m, 1h or 1m30s; a bare number counts seconds.',
  });

const labelValueSchema = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' })
  .transform((value) => String(value));

const targetObjectSchema = z.strictObject({
  name: nonEmptyString().describe('Target name, exported to commands as TRANCHE_TARGET.'),
  labels: z
    .record(z.string(), labelValueSchema)
    .prefault({})
    .describe('Free-form labels (numbers and booleans become strings), exported as TRANCHE_TARGET_LABELS.'),
});

export const targetSchema = z
  .union([nonEmptyString(), targetObjectSchema], {
    error: 'expected a target name or a {name, labels} mapping',
  })
  .transform((target) => (typeof target === 'string' ? { name: target, labels: {} } : target))
  .meta({
    id: 'Target',
    title: 'target',
    description: 'A target name, or a mapping with the name and labels.',
  });

export const rolloutSchema = z
  .strictObject({
    first: integerAtLeast(1).default(1).describe('Size of the first batch.'),
    growth: numberAtLeast(1)
      .default(2)
      .describe('Each later batch is the previous one times growth, rounded up.'),
    maxBatch: integerAtLeast(1).optional().describe('Cap on the size of a batch. Default: no cap.'),
    parallel: integerAtLeast(1)
      .optional()
      .describe('Targets deployed at once within a batch. Default: the whole batch.'),
    bake: durationSchema.prefault('0s').describe('Burn-in after each batch, during which checks repeat.'),
    checkEvery: durationSchema.prefault('10s').describe('How often checks repeat during the bake.'),
    rollbackParallel: integerAtLeast(1).default(16).describe('Targets rolled back at once.'),
  })
  .describe('How the targets are split into batches and how each batch is verified.');

export const componentSchema = z
  .strictObject({
    name: nonEmptyString().describe('Component name, unique within the environment.'),
    targets: z
      .array(targetSchema)
      .min(1, 'expected at least one target')
      .superRefine(duplicateNameIssues('target'), ALWAYS)
      .describe('Where the component runs; names are unique within the component.'),
    deploy: nonEmptyString().describe(
      'Shell command run once per target to deploy the version in TRANCHE_VERSION.',
    ),
    rollback: nonEmptyString()
      .optional()
      .describe(
        'Shell command run once per target to go back to TRANCHE_VERSION. Default: the deploy command.',
      ),
    timeout: durationSchema.prefault('5m').describe('Time limit of each deploy and rollback command.'),
    rollout: rolloutSchema.prefault({}),
    checks: z
      .array(nonEmptyString())
      .default([])
      .describe('Names of checks, defined under the top-level checks, run after each batch.'),
  })
  .meta({ title: 'component' });

export const environmentSchema = z
  .strictObject({
    components: z
      .array(componentSchema)
      .min(1, { error: 'expected at least one component' })
      .superRefine(duplicateNameIssues('component'), ALWAYS)
      .describe('The components of the environment, deployed in order.'),
    onFailure: z
      .enum(ON_FAILURE, { error: `expected one of ${ON_FAILURE.join(', ')}` })
      .default('rollback-release')
      .describe(
        'What a failed step does: roll back every component of the release, roll back only the failing component, or halt where it is.',
      ),
  })
  .meta({ title: 'environment' });

export const httpCheckSchema = z
  .strictObject({
    http: z
      .strictObject({
        url: z
          .string()
          .regex(/^https?:\/\//, { error: 'expected an http:// or https:// URL' })
          .describe('URL to request; {target} and {labels.KEY} are replaced by the target name and labels.'),
        status: integerAtLeast(100)
          .max(599, { error: 'expected an HTTP status code' })
          .default(200)
          .describe('Status code every sample must return.'),
        samples: integerAtLeast(1)
          .max(1000, { error: 'expected an integer from 1 to 1000' })
          .default(1)
          .describe('Requests per observation.'),
        p95: durationSchema.optional().describe('Maximum p95 latency of the samples. Default: no limit.'),
        timeout: durationSchema.prefault('10s').describe('Time limit of each request.'),
      })
      .describe('Requests a URL and checks the status code and latency.'),
  })
  .meta({ id: 'HttpCheck', title: 'HTTP check', description: 'A check that requests a URL.' });

export const commandCheckSchema = z
  .strictObject({
    command: nonEmptyString().describe(
      'Shell command; it fails the check by exiting non-zero, and may print {"value": n} as its last line.',
    ),
    max: z.number().optional().describe('Largest value the command may report.'),
    min: z.number().optional().describe('Smallest value the command may report.'),
    unit: nonEmptyString().optional().describe('Unit of the reported value, for reports and plots, e.g. ms.'),
    timeout: durationSchema.prefault('10s').describe('Time limit of the command.'),
  })
  .refine((check) => check.min === undefined || check.max === undefined || check.min <= check.max, {
    error: 'min must not be greater than max',
    path: ['min'],
  })
  .meta({ id: 'CommandCheck', title: 'command check', description: 'A check that runs a shell command.' });

export const checkSchema = z
  .union([httpCheckSchema, commandCheckSchema], {
    error: "a check needs exactly one of 'http' or 'command'",
  })
  .meta({
    id: 'Check',
    title: 'check',
    description: 'A check: a mapping with exactly one of http or command.',
  });

export const BOT_VERSION_SOURCES = ['tags', 'ledger'] as const;

export const botSchema = z
  .strictObject({
    prefix: z
      .string()
      .regex(/^[!-/:-@[-`{-~]{1,3}$/, { error: 'expected 1 to 3 punctuation characters, such as / or .' })
      .default('/')
      .describe('What starts a command in a pull request comment, as in /deploy.'),
    deployers: z
      .array(nonEmptyString())
      .min(1, { error: 'expected at least one role' })
      .default(['write', 'maintain', 'admin'])
      .describe(
        "Repository roles that may deploy, roll back, lock and unlock: GitHub's role names (or a custom role's).",
      ),
    concurrentReleases: integerAtLeast(1)
      .default(2)
      .describe('Releases that may run at once across the repository; more wait in the queue.'),
    requiredContexts: z
      .array(nonEmptyString())
      .optional()
      .describe(
        "Commit status checks that must pass before GitHub accepts a deployment. Default: GitHub's, every one.",
      ),
    versions: z
      .enum(BOT_VERSION_SOURCES, { error: `expected one of ${BOT_VERSION_SOURCES.join(', ')}` })
      .default('tags')
      .describe(
        "Where a deploy's next version comes from: tags named tranche/SERVICE/VERSION (the counter of the Action's ledger: github) or the bot's ledger (when the Action shares it).",
      ),
    lease: durationSchema
      .prefault('1h')
      .describe(
        'How long a started release holds its environment without a deployment status before the bot gives up on it.',
      ),
  })
  .describe('The pull request bot: commands, who may deploy, and the release queue.');

export const trancheConfigSchema = z
  .strictObject({
    service: z
      .string()
      .regex(NAME_PATTERN, {
        error: "expected a lowercase name of letters, digits, '.', '_' and '-', like metrics-store",
      })
      .describe('Name of the service; versions are numbered per service.'),
    version: z
      .string()
      .regex(/\{n\}/, { error: 'expected a template containing {n}' })
      .default('{n}')
      .describe('Version template; {n} is replaced by the release number, e.g. "2.14.{n}".'),
    environments: z
      .record(nonEmptyString(), environmentSchema)
      .refine((environments) => Object.keys(environments).length > 0, {
        error: 'expected at least one environment',
      })
      .meta({ minProperties: 1 })
      .describe('Environments by name; a release is rolled out to one environment at a time.'),
    checks: z.record(nonEmptyString(), checkSchema).prefault({}).describe('Checks by name.'),
    bot: botSchema.prefault({}),
  })
  .superRefine(checkReferenceIssues, ALWAYS)
  .meta({ title: 'tranche.yml', description: 'Configuration of a Tranche service.' });

export type TrancheConfig = z.output<typeof trancheConfigSchema>;
export type TrancheConfigInput = z.input<typeof trancheConfigSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ComponentConfig = z.output<typeof componentSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type BotConfig = z.output<typeof botSchema>;
