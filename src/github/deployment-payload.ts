/**
 * The contract between whoever creates a GitHub deployment (the bot, a person with the API) and
 * the Action that executes it: `payload.tranche`. The bot builds it with this schema; the Action
 * parses it with the same one, so an unknown field or a wrong type is an error, not a guess.
 */
import { z } from 'zod';

export const DEPLOYMENT_PAYLOAD_SCHEMA_VERSION = 1;

/** A version as a deployment names it: tag-safe, since it becomes part of a tag name. */
export const versionSchema = z
  .string()
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z._+-]*$/,
    'a version is letters, digits and . _ + - (it becomes part of a tag name)',
  );

export const trancheDeploymentSchema = z
  .strictObject({
    schemaVersion: z.literal(DEPLOYMENT_PAYLOAD_SCHEMA_VERSION),
    version: versionSchema.optional().describe('The version to deploy; absent: allocate the next one.'),
    rollback: z
      .boolean()
      .default(false)
      .describe('Deploy the given version as a rollback: every target at once, no bake.'),
    targets: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Deploy only these targets (names from tranche.yml); absent: every target.'),
    track: z.string().min(1).optional().describe('The release track this deployment belongs to.'),
    requestedBy: z.string().min(1).optional().describe('Who asked for the deployment (a GitHub login).'),
    runId: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Names the run (the Action) or release (the bot) that created the deployment, to find it again when the answer to its creation was lost.',
      ),
  })
  .refine((p) => !p.rollback || p.version !== undefined, {
    message: 'a rollback names the version to return to',
    path: ['version'],
  });

export type TrancheDeployment = z.infer<typeof trancheDeploymentSchema>;
export type TrancheDeploymentInput = z.input<typeof trancheDeploymentSchema>;

export class DeploymentPayloadError extends Error {
  override name = 'DeploymentPayloadError';
}

/**
 * `payload.tranche` of a deployment; `{schemaVersion: 1}` defaults when the payload has none (a
 * deployment created by hand for an environment). Throws DeploymentPayloadError naming the field.
 */
export function parseDeploymentPayload(payload: unknown): TrancheDeployment {
  const object = typeof payload === 'string' ? parseJson(payload) : payload;
  const tranche =
    object !== null && typeof object === 'object' && 'tranche' in object
      ? (object as { tranche: unknown }).tranche
      : { schemaVersion: DEPLOYMENT_PAYLOAD_SCHEMA_VERSION };
  const parsed = trancheDeploymentSchema.safeParse(tranche);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) =>
      `payload.tranche${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
  );
  throw new DeploymentPayloadError(`the deployment's payload is not valid: ${problems.join('; ')}`);
}

/** The payload of a deployment Tranche creates, checked by the same schema. */
export function deploymentPayload(tranche: TrancheDeploymentInput): { tranche: TrancheDeployment } {
  return { tranche: trancheDeploymentSchema.parse(tranche) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DeploymentPayloadError(`the deployment's payload is not JSON: ${(error as Error).message}`);
  }
}
