/** The arguments of each command, as zod schemas: the parser builds a candidate, these judge it. */
import { z } from 'zod';
import { versionSchema } from '../../src/github/deployment-payload.ts';

/** A GitHub environment name as a command argument: no spaces (arguments are split on them). */
const environment = z
  .string()
  .max(255, { error: 'an environment name has at most 255 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'an environment name is letters, digits and . _ - (as in tranche.yml)',
  });

/** The deployment payload's own rule (a version becomes part of a tag name), and a length. */
const version = versionSchema.max(100, { error: 'a version has at most 100 characters' });

const reason = z.string().max(200, { error: 'a reason has at most 200 characters' });

/** A release track's name, as tranche.yml spells it. */
const track = z
  .string()
  .max(100, { error: 'a track name has at most 100 characters' })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'a track name is lowercase letters, digits and . _ -' });

const lockTarget = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('environment'), environment }),
  z.strictObject({ scope: z.literal('global') }),
]);

export const commandSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('deploy'), environment, version: version.optional() }),
  z.strictObject({ name: z.literal('noop'), environment }),
  z.strictObject({ name: z.literal('rollback'), environment, version: version.optional() }),
  z.strictObject({
    name: z.literal('lock'),
    target: lockTarget,
    once: z.boolean(),
    reason: reason.optional(),
  }),
  z.strictObject({ name: z.literal('unlock'), target: lockTarget }),
  z.strictObject({ name: z.literal('promote'), version, to: track.optional() }),
  z.strictObject({ name: z.literal('hold'), track, reason: reason.optional() }),
  z.strictObject({ name: z.literal('unhold'), track }),
  z.strictObject({ name: z.literal('mark-bad'), version, reason: reason.optional() }),
  z.strictObject({ name: z.literal('mark-good'), version, reason: reason.optional() }),
  z.strictObject({ name: z.literal('status'), environment: environment.optional() }),
  z.strictObject({
    name: z.literal('help'),
    topic: z.string().max(50, { error: 'a help topic is a command, at most 50 characters' }).optional(),
  }),
]);

export type Command = z.infer<typeof commandSchema>;
export type LockTarget = z.infer<typeof lockTarget>;
export type CommandOf<N extends Command['name']> = Extract<Command, { name: N }>;
