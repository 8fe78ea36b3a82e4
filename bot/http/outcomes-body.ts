/**
 * What a job posts to the outcomes endpoint: the repository whose tranche.yml names the service,
 * and one or more outcomes, each with the job's id (an outcome is recorded once per service,
 * source and job id, so a retried post counts once).
 */
import { z } from 'zod';
import { OUTCOMES } from '../../src/engine/verdict.ts';
import { versionSchema } from '../../src/github/deployment-payload.ts';

/** Outcomes in one request at most. */
export const MAX_OUTCOMES = 1000;

const outcomeSchema = z.strictObject({
  version: versionSchema,
  environment: z.string().min(1).max(255),
  outcome: z.enum(OUTCOMES, { error: `expected one of ${OUTCOMES.join(', ')}` }),
  job: z.string().min(1).max(255).describe("The job's id: the same job reported twice counts once."),
  at: z.iso.datetime({ offset: true }).optional().describe('When it ran; default when the bot received it.'),
});

/**
 * The sources the bot records itself, from webhooks (on-deployment-status.ts, on-ci-run.ts): an
 * outcome is recorded once per source and id, so one posted under them first would stand in for
 * the bot's own (a forged success masking a real failure). Jobs name their own.
 */
export const BOT_SOURCES = ['deployment_status', 'check_run', 'workflow_run'] as const;

export const outcomesBodySchema = z.strictObject({
  repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'expected owner/repo' }),
  source: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, { error: 'expected a lowercase word such as http or spark' })
    .refine((source) => !(BOT_SOURCES as readonly string[]).includes(source), {
      error: `${BOT_SOURCES.join(', ')} are the bot's own sources, recorded from GitHub's webhooks; name the job's own, such as http or spark`,
    })
    .default('http'),
  outcomes: z.array(outcomeSchema).min(1).max(MAX_OUTCOMES),
});

export type OutcomesBody = z.infer<typeof outcomesBodySchema>;

/** The body's problems, one per line, each with the field it is about. */
export function bodyProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
}
