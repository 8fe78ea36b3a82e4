/**
 * What a webhook acts on, named by its signed payload: the key the bot claims in the ledger so
 * that it acts once per thing, whatever `X-GitHub-Delivery` says. GitHub does not sign that
 * header, so a replayed body with a new delivery id would otherwise act again; the ids below are
 * inside the signed body, and GitHub gives each comment, deployment status, check run and
 * workflow run attempt its own. The bot acts on `issue_comment.created` only: editing a command
 * does not run it again (the comment keeps its id), a new comment does.
 */
import type { Context } from 'probot';

/** The webhooks the bot handles, each about one repository. */
export type RepoEvent =
  | 'issue_comment.created'
  | 'deployment_status.created'
  | 'check_run.completed'
  | 'workflow_run.completed'
  | 'deployment_protection_rule.requested';

/** The claim key of the thing the webhook acts on, e.g. `issue_comment:1001`. */
export function webhookIdentity(context: Context<RepoEvent>): string {
  const { name, payload } = context;
  if ('comment' in payload) return `${name}:${payload.comment.id}`;
  if ('deployment_status' in payload) return `${name}:${payload.deployment_status.id}`;
  if ('check_run' in payload) return `${name}:${payload.check_run.id}`;
  if ('workflow_run' in payload)
    return `${name}:${payload.workflow_run.id}:${payload.workflow_run.run_attempt}`;
  // A protection rule is asked once per deployment (a re-run job makes a new one); without a
  // deployment in the payload nothing signed names the request, and the delivery id is all there is.
  return payload.deployment ? `${name}:deployment:${payload.deployment.id}` : `${name}:${context.id}`;
}
