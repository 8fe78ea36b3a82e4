/**
 * The one schema of tranche.yml. Validation, defaults, the JSON Schema in schema/ and the
 * configuration reference in docs/configuration.md all come from here.
 */
import { z } from 'zod';
import { COVERAGES } from '../engine/categories.ts';
import { isRange } from '../engine/constraints.ts';
import { PROMOTE_MODES } from '../engine/tracks.ts';
import { ROLLBACK_POLICIES, STRATA } from '../engine/verdict.ts';
import { ON_FAILURE } from '../engine/vocabulary.ts';
import { analysisBakeIssues, checkReferenceIssues, duplicateNameIssues } from './cross-checks.ts';
import { categoryIssues, requiresIssues, trackIssues } from './fleet-checks.ts';
import { notifySchema } from './notify-schema.ts';
import { durationSchema, urlTemplateSchema } from './value-schemas.ts';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const ALWAYS = { when: () => true };

function integerAtLeast(min: number) {
  const error = (issue: { input?: unknown }) => `expected an integer ≥ ${min}${got(issue.input)}`;
  return z.int({ error }).min(min, { error });
}

function numberAtLeast(min: number) {
  const error = (issue: { input?: unknown }) => `expected a number ≥ ${min}${got(issue.input)}`;
  return z.number({ error }).min(min, { error });
}

/** `, got "ok"`: what the file said instead, short; nothing for a value that is not there. */
function got(input: unknown): string {
  if (input === undefined) return '';
  const text =
    typeof input === 'object' && input !== null
      ? Array.isArray(input)
        ? 'a list'
        : 'a mapping'
      : typeof input === 'string'
        ? JSON.stringify(input)
        : String(input);
  return `, got ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

function nonEmptyString() {
  return z.string().min(1, { error: 'must not be empty' });
}

export { durationSchema };

/** A duration that must be longer than zero: a time limit of 0 would be no limit at all. */
const positiveDuration = durationSchema.refine((ms) => ms > 0, {
  error: 'expected a duration longer than 0',
});

/** How often something repeats: at least 100 ms, so a typo cannot make checks spin. */
const interval = durationSchema.refine((ms) => ms >= 100, { error: 'expected a duration of at least 100ms' });

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
    checkEvery: interval.prefault('10s').describe('How often checks repeat during the bake.'),
    rollbackParallel: integerAtLeast(1).default(16).describe('Targets rolled back at once.'),
  })
  .describe('How the targets are split into batches and how each batch is verified.');

export const inventorySchema = z
  .union(
    [
      z
        .strictObject({
          command: nonEmptyString().describe(
            'Shell command, run in the config’s directory when a deploy, rollback or plan starts, that prints the targets: a JSON array, or NDJSON (one target a line), each a name or a {name, labels} mapping. It gets TRANCHE_SERVICE, TRANCHE_ENVIRONMENT and TRANCHE_COMPONENT.',
          ),
          timeout: positiveDuration.prefault('1m').describe('Time limit of the command.'),
        })
        .meta({ title: 'inventory command' }),
      z
        .strictObject({
          file: nonEmptyString().describe(
            'A JSON (an array) or NDJSON file of targets, relative to the config’s directory, read when a deploy, rollback or plan starts.',
          ),
        })
        .meta({ title: 'inventory file' }),
    ],
    { error: 'expected { command } or { file } of an inventory' },
  )
  .meta({
    id: 'Inventory',
    title: 'inventory',
    description:
      'Targets read when a run is planned, from a command’s output or a file; the run records the targets it read. See fleets.md.',
  });

const listedTargetsSchema = z
  .array(targetSchema)
  .min(1, 'expected at least one target')
  .superRefine(duplicateNameIssues('target'), ALWAYS);

/** Per-target and per-batch commands of a component: one set or the other. */
const PER_TARGET_COMMANDS = ['deploy', 'rollback'] as const;
const PER_BATCH_COMMANDS = ['deployBatch', 'rollbackBatch', 'checkBatch'] as const;

export const componentSchema = z
  .strictObject({
    name: nonEmptyString().describe('Component name, unique within the environment.'),
    targets: z
      // The inventory's forms side by side with the list, so an error names the form meant.
      .union([listedTargetsSchema, ...inventorySchema.options], {
        error: 'expected a list of targets, or an inventory: { command } or { file }',
      })
      .describe(
        'Where the component runs: a list (names unique within the component), or an inventory command or file read when a run is planned.',
      ),
    deploy: nonEmptyString()
      .optional()
      .describe('Shell command run once per target to deploy the version in TRANCHE_VERSION.'),
    rollback: nonEmptyString()
      .optional()
      .describe(
        'Shell command run once per target to go back to TRANCHE_VERSION. Default: the deploy command.',
      ),
    deployBatch: nonEmptyString()
      .optional()
      .describe(
        'Instead of deploy: shell command run once per batch; the batch’s targets are in the JSON file TRANCHE_TARGETS_FILE, and it writes each target’s result to TRANCHE_RESULTS_FILE (a target it does not report failed). See fleets.md.',
      ),
    rollbackBatch: nonEmptyString()
      .optional()
      .describe(
        'Instead of rollback: shell command run once per batch of touched targets going back to the same TRANCHE_VERSION, like deployBatch. Default: the deployBatch command.',
      ),
    checkBatch: nonEmptyString()
      .optional()
      .describe(
        'With deployBatch: shell command run after each batch and every bake round over the targets deployed so far, like deployBatch; a target it reports failed (or does not report) fails the batch.',
      ),
    timeout: positiveDuration
      .prefault('5m')
      .describe(
        'Time limit of each deploy and rollback command (of each batch command, for batch commands).',
      ),
    rollout: rolloutSchema.prefault({}),
    checks: z
      .array(nonEmptyString())
      .default([])
      .describe('Names of checks, defined under the top-level checks, run after each batch.'),
  })
  .superRefine((component: unknown, ctx) => {
    if (typeof component !== 'object' || component === null) return;
    const fields = component as Record<string, unknown>;
    const given = (keys: readonly string[]) => keys.filter((key) => fields[key] !== undefined);
    const perTarget = given(PER_TARGET_COMMANDS);
    const perBatch = given(PER_BATCH_COMMANDS);
    if (perTarget.length > 0 && perBatch.length > 0) {
      for (const key of perBatch) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `a component gives per-target commands (deploy, rollback) or batch commands (deployBatch, rollbackBatch, checkBatch), not both: ${key} conflicts with ${perTarget.join(' and ')}`,
        });
      }
    } else if (perBatch.length > 0 && fields.deployBatch === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [perBatch[0] as string],
        message: `${perBatch.join(' and ')} need deployBatch`,
      });
    } else if (fields.deploy === undefined && fields.deployBatch === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['deploy'],
        message: 'expected deploy (per target) or deployBatch (per batch)',
      });
    }
  }, ALWAYS)
  .meta({ title: 'component' });

export const environmentSchema = z
  .strictObject({
    labels: z
      .record(z.string(), labelValueSchema)
      .prefault({})
      .describe(
        'Free-form labels of the environment (numbers and booleans become strings), such as cloud or region: exported to commands as TRANCHE_ENVIRONMENT_LABELS, and what track categories choose by.',
      ),
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
    url: urlTemplateSchema()
      .optional()
      .describe(
        'Where the environment is reached: every successful deployment status carries it as environment_url (GitHub’s “View deployment” link), and the bot’s replies link it. {version}, {service} and {environment} are replaced, e.g. https://{version}.staging.example.com.',
      ),
    notify: notifySchema.optional(),
  })
  .meta({ title: 'environment' });

/** `scheme://user:password@host`: credentials written into a URL. */
const URL_USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/;
const NO_URL_CREDENTIALS = {
  error:
    'credentials inside the URL are refused (they would be shown and stored with every result): give them with auth (basic passwordEnv or bearer tokenEnv, read from environment variables) or headers',
};
const hasNoCredentials = (url: string) => !URL_USERINFO.test(url);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envNameSchema = z.string().regex(ENV_NAME, { error: 'expected an environment variable name' });

export const requestAuthSchema = z
  .union(
    [
      z.strictObject({
        basic: z.strictObject({
          username: nonEmptyString().describe('User name.'),
          passwordEnv: envNameSchema.describe('Environment variable that holds the password.'),
        }),
      }),
      z.strictObject({
        bearer: z.strictObject({
          tokenEnv: envNameSchema.describe('Environment variable that holds the token.'),
        }),
      }),
    ],
    { error: 'expected { basic: { username, passwordEnv } } or { bearer: { tokenEnv } }' },
  )
  .meta({
    id: 'RequestAuth',
    title: 'request authentication',
    description:
      'Authentication of the requests: HTTP basic with a user name and a password, or a bearer token; secrets are read from the named environment variables when the check runs, never written in the config.',
  });

export const requestHeadersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'expected an HTTP header name' }),
    z.union([z.string(), z.strictObject({ env: envNameSchema })], {
      error: 'expected a header value, or { env: NAME } to read it from an environment variable',
    }),
  )
  .meta({
    id: 'RequestHeaders',
    title: 'request headers',
    description:
      'Headers sent with every request, e.g. X-Scope-OrgID for a tenant behind a proxy: a value, or { env: NAME } for a secret read from an environment variable when the check runs.',
  });

export const httpCheckSchema = z
  .strictObject({
    http: z
      .strictObject({
        url: z
          .string()
          .regex(/^https?:\/\//, { error: 'expected an http:// or https:// URL' })
          .refine(hasNoCredentials, NO_URL_CREDENTIALS)
          .describe('URL to request; {target} and {labels.KEY} are replaced by the target name and labels.'),
        auth: requestAuthSchema.optional(),
        headers: requestHeadersSchema.optional(),
        status: integerAtLeast(100)
          .max(599, { error: 'expected an HTTP status code' })
          .default(200)
          .describe('Status code every sample must return.'),
        samples: integerAtLeast(1)
          .max(1000, { error: 'expected an integer from 1 to 1000' })
          .default(1)
          .describe('Requests per observation.'),
        p95: durationSchema.optional().describe('Maximum p95 latency of the samples. Default: no limit.'),
        timeout: positiveDuration.prefault('10s').describe('Time limit of each request.'),
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
    timeout: positiveDuration.prefault('10s').describe('Time limit of the command.'),
  })
  .refine((check) => check.min === undefined || check.max === undefined || check.min <= check.max, {
    error: 'min must not be greater than max',
    path: ['min'],
  })
  .meta({ id: 'CommandCheck', title: 'command check', description: 'A check that runs a shell command.' });

const prometheusUrlSchema = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, { error: 'expected an http:// or https:// URL of a Prometheus server' })
  .refine(hasNoCredentials, NO_URL_CREDENTIALS)
  .describe('Base URL of the Prometheus server, e.g. http://prometheus:9090.');

function fraction(what: string) {
  const error = `expected ${what} between 0 and 1 (exclusive)`;
  return z.number({ error }).gt(0, { error }).lt(1, { error });
}

function numberAbove(min: number) {
  const error = `expected a number > ${min}`;
  return z.number({ error }).gt(min, { error });
}

const alphaSchema = fraction('a probability')
  .default(0.01)
  .describe(
    'False-rollback rate: the largest probability that a rollout fails a canary that is not worse than failOn allows (with the default, worse by less than minEffect), however often the check looks; split evenly over the batches of a rollout that compare, for every test (sequential and Mann-Whitney).',
  );

export const prometheusCheckSchema = z
  .strictObject({
    prometheus: z
      .strictObject({
        url: prometheusUrlSchema,
        auth: requestAuthSchema.optional(),
        headers: requestHeadersSchema.optional(),
        query: nonEmptyString().describe(
          'PromQL evaluated for each target. {target}, {labels.KEY}, {service}, {environment}, {component} and {version} go inside quoted label values (they are escaped for them, and regex-escaped after =~ or !~); {range} goes outside quotes, e.g. [{range}]. It must return one series: aggregate with sum(), max() or avg().',
        ),
        range: durationSchema
          .optional()
          .describe('Make it a range query over this last stretch of time. Default: an instant query.'),
        step: positiveDuration.prefault('15s').describe('Resolution of a range query.'),
        reduce: z
          .enum(['last', 'max', 'min', 'mean'], { error: 'expected one of last, max, min, mean' })
          .default('max')
          .describe("How a range query's series becomes the checked value."),
        max: z
          .number()
          .optional()
          .describe('Largest allowed value (with deviation: the largest allowed deviation).'),
        min: z.number().optional().describe('Smallest allowed value.'),
        unit: nonEmptyString().optional().describe('Unit of the value, for reports and plots, e.g. ms.'),
        deviation: z
          .strictObject({
            baseline: nonEmptyString()
              .optional()
              .describe(
                'PromQL of the baseline series, templated like query. Default: query itself, history earlier.',
              ),
            history: durationSchema
              .optional()
              .describe(
                'Compare with the series this long ago (its own recent history); with baseline, shifts it too.',
              ),
          })
          .refine((d) => d.baseline !== undefined || d.history !== undefined, {
            error: 'a deviation needs a baseline query, a history, or both',
          })
          .optional()
          .describe(
            "Check the deviation (mean absolute difference at matching times) of the range query's series from a baseline series instead of its value; needs range.",
          ),
        timeout: positiveDuration.prefault('10s').describe('Time limit of each query.'),
      })
      .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
        error: 'min must not be greater than max',
        path: ['min'],
      })
      .refine((c) => c.deviation === undefined || c.range !== undefined, {
        error: 'a deviation compares series: set range too',
        path: ['deviation'],
      })
      .describe('Queries Prometheus for each target and holds the value against max/min.'),
  })
  .meta({
    id: 'PrometheusCheck',
    title: 'Prometheus check',
    description: 'A check that queries Prometheus per target.',
  });

/** A counter selector: a metric name and/or a {…} of matchers, nothing around it. */
const COUNTER_SELECTOR = /^\s*(?:[A-Za-z_:][A-Za-z0-9_:]*\s*)?(?:\{.*\})?\s*$/s;

const counterSelector = (what: string, example: string) =>
  nonEmptyString()
    .refine((q) => !q.includes('{window}'), {
      error: `${what} is a counter selector such as ${example}: Tranche reads the counters' raw increase over the window itself (no increase(), no {window})`,
    })
    .refine((q) => q.includes('{window}') || COUNTER_SELECTOR.test(q), {
      error: `${what} is a counter selector such as ${example}, not an expression: Tranche reads the counters' raw increase over the window itself`,
    });

const FAILURES_EXAMPLE = 'http_requests_total{instance=~"{targets}",code=~"5.."}';
const TOTAL_EXAMPLE = 'http_requests_total{instance=~"{targets}"}';

const countsSchema = z
  .strictObject({
    failures: counterSelector('counts.failures', FAILURES_EXAMPLE).describe(
      `Counter selector of one arm's failures, e.g. ${FAILURES_EXAMPLE}. {targets} (a regex matcher value) matches the arm's targets. Tranche reads every matching series' raw increase from the end of the batch's deploy to the look (the last sample at or before each instant, counter resets handled, no extrapolation) and adds them up.`,
    ),
    total: counterSelector('counts.total', TOTAL_EXAMPLE).describe(
      `Counter selector of one arm's requests, e.g. ${TOTAL_EXAMPLE}, read like failures. No series counts as no requests.`,
    ),
    minEffect: numberAbove(1)
      .default(1.5)
      .describe(
        'The tolerance: the ratio of canary to baseline failure rate that counts as a regression. With failOn beyond-min-effect a smaller regression fails with probability at most alpha; the check passes once the data rule out minEffect or more.',
      ),
    absentFailures: z
      .enum(['no-data', 'zero'], { error: 'expected no-data or zero' })
      .default('no-data')
      .describe(
        'What an arm whose failures selector matches no series is: no data (the default: a selector that matches nothing never passes a canary), or zero failures, for services whose failures counter appears only with its first failure (the result says so).',
      ),
  })
  .describe(
    'Failures out of requests per arm, compared by an anytime-valid sequential test of the failure-rate ratio: it fails when its e-value reaches 1/alpha.',
  );

const seriesSchema = z
  .strictObject({
    query: nonEmptyString().describe(
      'PromQL of one value per step for one arm, e.g. histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{instance=~"{targets}"}[{step}]))). Use [{step}] windows so steps do not overlap.',
    ),
    step: positiveDuration
      .prefault('10s')
      .describe(
        'Resolution of the range queries; steps are compared pairwise. The bake must hold enough steps for the test to decide (tranche plan shows when it can first fail and pass).',
      ),
    direction: z
      .enum(['increase', 'decrease', 'either'], { error: 'expected one of increase, decrease, either' })
      .default('increase')
      .describe('Which change is a regression: increase (latency, errors), decrease (throughput) or either.'),
    test: z
      .enum(['sequential', 'mann-whitney'], { error: 'expected sequential or mann-whitney' })
      .default('sequential')
      .describe(
        "sequential: anytime-valid sign test on the paired steps, deciding as soon as the data allow; mann-whitney: a fixed-horizon Mann-Whitney judge like Kayenta's, deciding at the end of the bake.",
      ),
    minEffect: z
      .number()
      .gt(0, { error: 'expected a number > 0' })
      .default(0.1)
      .describe(
        'sequential: the tolerance, a relative change (0.1 = 10 %). With failOn beyond-min-effect a smaller change fails with probability at most alpha; the check passes once the data rule out minEffect or more.',
      ),
    confidence: fraction('a confidence level')
      .default(0.98)
      .describe(
        "mann-whitney: level of the two-sided interval of the shift (Kayenta's default 0.98); raised to 1 − 2 × the batch's alpha (1 − alpha for direction either) when lower, so the judge spends no more than its share of alpha. The evidence records both.",
      ),
    tolerance: z
      .number()
      .min(0, { error: 'expected a number ≥ 0' })
      .default(0.25)
      .describe(
        "mann-whitney: the interval must clear tolerance × |estimated shift| (Kayenta's default 0.25).",
      ),
    allowedIncrease: numberAtLeast(0)
      .default(1)
      .describe(
        'mann-whitney: an increase fails only if canary mean ÷ baseline mean is at least this (effect size).',
      ),
    allowedDecrease: numberAtLeast(0)
      .default(1)
      .describe('mann-whitney: a decrease fails only if canary mean ÷ baseline mean is at most this.'),
  })
  .describe('A per-step series per arm (latency, CPU), compared step by step.');

export const analysisCheckSchema = z
  .strictObject({
    analysis: z
      .strictObject({
        url: prometheusUrlSchema,
        auth: requestAuthSchema.optional(),
        headers: requestHeadersSchema.optional(),
        counts: countsSchema.optional(),
        series: seriesSchema.optional(),
        alpha: alphaSchema,
        onInconclusive: z
          .enum(['pass', 'fail'], { error: 'expected pass or fail' })
          .default('pass')
          .describe(
            'What an inconclusive result at the end of the bake does: pass lets the rollout go on (recorded as inconclusive; the false-rollback rate stays at most alpha), fail fails the step.',
          ),
        failOn: z
          .enum(['beyond-min-effect', 'any-regression'], {
            error: 'expected beyond-min-effect or any-regression',
          })
          .default('beyond-min-effect')
          .describe(
            'What the sequential tests fail on: beyond-min-effect tests against the shifted null (a canary worse by less than minEffect fails with probability at most alpha); any-regression against "no worse at all" (any consistent difference, however small, fails in time).',
          ),
        scrapeInterval: positiveDuration
          .optional()
          .describe(
            "Prometheus' scrape interval of the targets, if known: a bake that can hold no scrape, or a series step shorter than it, is refused.",
          ),
        baseline: z
          .strictObject({
            targets: z
              .array(nonEmptyString())
              .min(1, { error: 'expected at least one target' })
              .optional()
              .describe(
                'Baseline targets by name (of the component, or elsewhere, e.g. a dedicated baseline).',
              ),
            labels: z
              .record(z.string(), labelValueSchema)
              .optional()
              .describe('Only baseline targets carrying all these labels.'),
          })
          .optional()
          .describe(
            "Which targets are the baseline. Default: the component's targets this run has not deployed yet.",
          ),
        timeout: positiveDuration.prefault('10s').describe('Time limit of each query.'),
      })
      .refine((a) => (a.counts === undefined) !== (a.series === undefined), {
        error: 'an analysis needs exactly one of counts or series',
      })
      .describe(
        "Compares the canary targets (deployed so far in the component) with the baseline targets over the same window, from the end of the batch's deploy; runs every bake round.",
      ),
  })
  .meta({
    id: 'AnalysisCheck',
    title: 'analysis check',
    description: 'A check that compares canary and baseline targets statistically.',
  });

export const checkSchema = z
  .union([httpCheckSchema, commandCheckSchema, prometheusCheckSchema, analysisCheckSchema], {
    error: "a check needs exactly one of 'http', 'command', 'prometheus' or 'analysis'",
  })
  .meta({
    id: 'Check',
    title: 'check',
    description: 'A check: a mapping with exactly one of http, command, prometheus or analysis.',
  });

// ---------------------------------------------------------------------------------------------
// Fleets: canary categories, dependency constraints, release tracks, fleet-wide verdicts

const SERVICE_NAME_ERROR =
  "expected a lowercase name of letters, digits, '.', '_' and '-', like metrics-store";

/** The two forms of categories, over the labels of `subject`s (targets or environments). */
function categoryForms(subject: 'target' | 'environment') {
  return z.union(
    [
      z
        .array(nonEmptyString())
        .min(1, { error: 'expected at least one label' })
        .superRefine(duplicateNameIssues('label'), ALWAYS)
        .transform((labels) => ({ labels, coverage: 'all' as const, values: undefined })),
      z.strictObject({
        labels: z
          .array(nonEmptyString())
          .min(1, { error: 'expected at least one label' })
          .superRefine(duplicateNameIssues('label'), ALWAYS)
          .describe(
            `${subject === 'target' ? 'Target' : 'Environment'} labels whose values make a category, e.g. [cloud, browser].`,
          ),
        coverage: z
          .enum(COVERAGES, { error: `expected one of ${COVERAGES.join(', ')}` })
          .default('all')
          .describe(
            `all: one canary per distinct combination of the labels present in the fleet; pairwise: a small set (greedy set cover) in which every pair of label values that occur together on ${subject === 'target' ? 'a target' : 'an environment'}, and every value, is on some canary.`,
          ),
        values: z
          .record(z.string(), z.array(labelValueSchema).min(1, { error: 'expected at least one value' }))
          .optional()
          .describe(
            `Declared values per label; tranche plan reports any that no ${subject} carries, and carried values not declared.`,
          ),
      }),
    ],
    { error: 'expected a list of labels, or a mapping with labels, coverage and values' },
  );
}

export const categoriesSchema = categoryForms('target').meta({
  id: 'Categories',
  title: 'categories',
  description:
    'Canary categories over target labels: a list of labels (coverage all), or a mapping with labels, coverage and values. The chosen canaries are each component’s first batch; the other targets follow in batches growing from its size.',
});

export const environmentCategoriesSchema = categoryForms('environment').meta({
  id: 'EnvironmentCategories',
  title: 'environment categories',
  description:
    'Canary categories over environment labels, choosing a track’s environments: a list of labels (coverage all), or a mapping with labels, coverage and values. Chosen among the track’s environments if it lists them, else among every environment no earlier track has.',
});

export const requiresSchema = z
  .record(
    z.string().regex(NAME_PATTERN, { error: SERVICE_NAME_ERROR }),
    z
      .string({ error: 'expected a semver range such as ">=2.14.0"' })
      .refine(isRange, { error: 'expected a semver range such as ">=2.14.0", "^2.14" or "2.x"' }),
  )
  .describe(
    'Per service: the semver range its live version in the same environment must satisfy before this version is deployed, e.g. { storage: ">=2.14.0" }.',
  );

export const migrationsSchema = z
  .strictObject({
    schema: nonEmptyString().describe(
      'The schema (a migration identifier) this version writes and leaves behind, e.g. orders-v3.',
    ),
    reads: z
      .array(nonEmptyString())
      .default([])
      .describe(
        'Schemas this version can read or migrate from, besides its own: a deploy (or a rollback to it) is refused while the environment holds another.',
      ),
  })
  .describe('Which data schema this version writes and which it can read.');

export const trackSchema = z
  .strictObject({
    name: z
      .string()
      .regex(NAME_PATTERN, { error: 'expected a lowercase name, like yolo or stable' })
      .describe('Track name, unique: yolo, canary, stable.'),
    environments: z
      .array(nonEmptyString())
      .min(1, { error: 'expected at least one environment' })
      .superRefine(duplicateNameIssues('environment'), ALWAYS)
      .optional()
      .describe(
        'The environments of the track, defined under environments; with categories, the ones to choose among.',
      ),
    categories: environmentCategoriesSchema.optional(),
    targets: z
      .record(z.string(), labelValueSchema)
      .optional()
      .describe(
        'Only the targets of those environments that carry all these labels (a ring inside an environment); with categories, only environments with such targets are chosen. Default: every target.',
      ),
    bake: durationSchema
      .prefault('0s')
      .describe(
        'How long every environment of the track must stay healthy on a version before it is promoted to the next track.',
      ),
    promote: z
      .enum(PROMOTE_MODES, { error: `expected one of ${PROMOTE_MODES.join(', ')}` })
      .optional()
      .describe(
        'How a version reaches this track from the one before: auto, as soon as that track’s bake is over; manual, only when someone promotes it. Default: auto. Not on the first track, which takes new versions from deploys.',
      ),
  })
  .meta({ title: 'track' });

export const verdictSchema = z
  .strictObject({
    alpha: fraction('a probability')
      .default(0.01)
      .describe(
        'The largest probability of calling bad a version that fails no more often than the previous good one, however often the verdict is recomputed.',
      ),
    minSamples: integerAtLeast(1)
      .default(100)
      .describe('Outcomes of the version needed before it gets any verdict.'),
    minEffect: numberAbove(1)
      .default(1.5)
      .describe(
        'Smallest ratio of the version’s failure rate to the previous good version’s worth calling bad; the version is good once the data rule it out.',
      ),
    strata: z
      .enum(STRATA, { error: `expected one of ${STRATA.join(', ')}` })
      .default('environment')
      .describe(
        'environment: compare the two versions within each environment and combine the evidence (so a version that ran mostly where jobs fail more is not blamed for it); none: pool every outcome.',
      ),
    rollback: z
      .enum(ROLLBACK_POLICIES, { error: `expected one of ${ROLLBACK_POLICIES.join(', ')}` })
      .default('failing')
      .describe(
        'What a bad verdict rolls back: all, every environment running the version; failing, only those where it failed more often than the previous version did there (where it kept succeeding it stays); none, nothing (further deploys are still refused).',
      ),
    checkRuns: z
      .array(nonEmptyString())
      .default([])
      .describe(
        'The bot: names of check runs whose conclusion on a version’s commit counts as an outcome of that version (success; failure or timed out), in the stratum check:NAME. Default: none, so unrelated CI does not sway verdicts.',
      ),
    workflowRuns: z
      .array(nonEmptyString())
      .default([])
      .describe(
        'The bot: names of workflows (or their files, e.g. .github/workflows/jobs.yml) whose completed runs on a version’s commit count as outcomes of that version, in the stratum workflow:NAME. Default: none.',
      ),
  })
  .describe(
    'Fleet-wide verdicts from reported outcomes: per version, its failure rate against the previous good version’s, by an anytime-valid sequential test.',
  );

export type TrackConfig = z.output<typeof trackSchema>;
export type VerdictConfig = z.output<typeof verdictSchema>;
export type CategoriesConfig = z.output<typeof categoriesSchema>;
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

/** The config before the rules that need it parsed whole (trackChoiceIssues). */
export const trancheConfigObject = z
  .strictObject({
    service: z
      .string()
      .regex(NAME_PATTERN, {
        error: "expected a lowercase name of letters, digits, '.', '_' and '-', like metrics-store",
      })
      .describe('Name of the service; versions are numbered per service.'),
    repositories: z
      .array(
        z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
          error: 'expected a GitHub repository as owner/name, like acme/shop',
        }),
      )
      .min(1, { error: 'expected at least one repository' })
      .optional()
      .describe(
        "The repositories (owner/name) the service belongs to: only their outcomes, deployment statuses, locks and leases are accepted for it. Default: the first repository to declare the service owns it alone. Only an owner's list counts: to share the service or hand it over, list the repositories in the owner's tranche.yml.",
      ),
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
    passEnv: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }))
      .default([])
      .describe(
        "Environment variables deploy, rollback and check commands receive even though Tranche withholds them: those it used as a credential itself (a postgres:// DATABASE_URL that is its ledger, GITHUB_TOKEN under deploy --github, the Action's github-token) and its own (TRANCHE_LEDGER, TRANCHE_BUNDLE_KEY). Default: none; every other variable reaches commands anyway.",
      ),
    categories: categoriesSchema.optional(),
    requires: requiresSchema.optional(),
    migrations: migrationsSchema.optional(),
    tracks: z
      .array(trackSchema)
      .min(1, { error: 'expected at least one track' })
      .superRefine(duplicateNameIssues('track'), ALWAYS)
      .optional()
      .describe(
        'Release tracks, in order (yolo → canary → stable): a version is promoted from one to the next.',
      ),
    verdict: verdictSchema.prefault({}),
    bot: botSchema.prefault({}),
  })
  .superRefine(checkReferenceIssues, ALWAYS)
  .superRefine(analysisBakeIssues, ALWAYS)
  .superRefine(categoryIssues, ALWAYS)
  .superRefine(requiresIssues, ALWAYS)
  .superRefine(trackIssues, ALWAYS);

export type TrancheConfig = z.output<typeof trancheConfigObject>;
export type TrancheConfigInput = z.input<typeof trancheConfigObject>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ComponentConfig = z.output<typeof componentSchema>;
export type InventoryConfig = z.output<typeof inventorySchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type BotConfig = z.output<typeof botSchema>;
