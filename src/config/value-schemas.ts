/** Schemas of values that several sections of tranche.yml share: durations, URL templates. */
import { z } from 'zod';
import {
  DURATION_HINT,
  DURATION_PATTERN,
  DURATION_TOO_LONG,
  MAX_DURATION_MS,
  tryParseDuration,
} from './duration.ts';
import { urlTemplateProblem } from './environment-url.ts';

export const durationSchema = z
  .union(
    [
      z.number({ error: DURATION_HINT }).min(0, { error: DURATION_HINT }),
      z.string({ error: DURATION_HINT }).regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT }),
    ],
    { error: DURATION_HINT },
  )
  .transform((value, ctx) => {
    const ms = tryParseDuration(value);
    if (ms !== undefined && ms <= MAX_DURATION_MS) return ms;
    // The pattern let it through: digits past what a number holds, or more than a timer can wait.
    ctx.issues.push({ code: 'custom', input: value, message: DURATION_TOO_LONG });
    return z.NEVER;
  })
  .meta({
    id: 'Duration',
    title: 'duration',
    description: 'A duration such as 300ms, 30s, 2m, 1h or 1m30s; a bare number counts seconds.',
  });

/** A URL with {version}, {service} and {environment} placeholders (environment-url.ts). */
export function urlTemplateSchema() {
  return z.string().superRefine((template, context) => {
    const problem = urlTemplateProblem(template);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}
