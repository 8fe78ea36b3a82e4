/**
 * An environment's `notify:` section: where word of its deploys goes (Slack, Microsoft Teams, a
 * signed JSON webhook). Webhook URLs are secrets: the config names the environment variables that
 * hold them and never holds one itself, so a URL written here is refused.
 */
import { z } from 'zod';
import { NOTICE_KINDS } from '../notify/kinds.ts';
import { durationSchema, urlTemplateSchema } from './value-schemas.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const LITERAL_URL_REFUSED =
  'a webhook URL is a secret and is never written in tranche.yml: put it in an environment variable and name the variable, e.g. { urlEnv: SLACK_DEPLOY_WEBHOOK }';

/** An environment variable's name; a URL in its place is refused with the reason, never echoed. */
function envName(what: string) {
  const expected = `expected the name of the environment variable that holds ${what}`;
  return z.string({ error: expected }).superRefine((name, context) => {
    if (ENV_NAME.test(name)) return;
    context.addIssue({ code: 'custom', message: name.includes('://') ? LITERAL_URL_REFUSED : expected });
  });
}

/** A mapping whose wrong forms (a bare URL string, a `url:` key) are answered with the secret rule. */
function channel<T extends z.core.$ZodLooseShape>(shape: T, description: string) {
  return z
    .strictObject(shape, {
      error: (issue) => {
        if (issue.code === 'invalid_type' && typeof issue.input === 'string') return LITERAL_URL_REFUSED;
        if (issue.code === 'unrecognized_keys' && issue.keys.some((k) => /url/i.test(k)))
          return issue.keys
            .map((k) => (/url/i.test(k) ? LITERAL_URL_REFUSED : `unknown key ${k}`))
            .join('\n');
        return undefined;
      },
    })
    .optional()
    .describe(description);
}

const urlEnv = envName('the webhook URL').describe(
  'Environment variable that holds the webhook URL (a secret: never shown, logged or recorded).',
);

export const notifySchema = z
  .strictObject({
    slack: channel({ urlEnv }, 'A Slack incoming webhook: a Block Kit message with a plain-text fallback.'),
    teams: channel(
      { urlEnv },
      'A Microsoft Teams incoming webhook (or a Teams Workflows webhook): an Adaptive Card message.',
    ),
    webhook: channel(
      {
        urlEnv,
        secretEnv: envName('the signing secret').describe(
          'Environment variable that holds the secret the body is signed with (HMAC-SHA256, header X-Tranche-Signature).',
        ),
      },
      'A generic JSON webhook, signed: see docs/notifications.md for the body and how to verify it.',
    ),
    events: z
      .array(z.enum(NOTICE_KINDS, { error: `expected one of ${NOTICE_KINDS.join(', ')}` }))
      .min(1, { error: 'expected at least one event' })
      .default([...NOTICE_KINDS])
      .describe('Which events are sent (docs/notifications.md says when each is).'),
    dashboard: urlTemplateSchema()
      .optional()
      .describe(
        'A dashboard every message links to; {version}, {service} and {environment} are replaced. Default: no dashboard link.',
      ),
    timeout: durationSchema
      .refine((ms) => ms > 0, { error: 'expected a duration longer than 0' })
      .prefault('30s')
      .describe(
        'How long one message may take to deliver, retries included; at the end of a run, unsent messages get at most this long before Tranche exits.',
      ),
  })
  .refine((notify) => notify.slack ?? notify.teams ?? notify.webhook, {
    error: 'expected at least one of slack, teams or webhook',
  })
  .describe(
    'Where word of this environment’s deploys, rollbacks, verdicts and track changes goes. Never delays or fails a deploy.',
  );

export type NotifyConfig = z.output<typeof notifySchema>;
