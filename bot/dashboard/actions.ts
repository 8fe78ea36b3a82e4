/**
 * The dashboard's deploy and rollback buttons, in the bot: the same request a /deploy or
 * /rollback comment makes (releases/request-release.ts), in the repository the bot acts for the
 * service in, by the person signed in (recorded as who asked), after the same role rule
 * (access.ts), checked here again whoever calls. The answer is a sentence for the page.
 */
import type { Probot } from 'probot';
import type { ActionResult, DashboardActions, DeployInput } from '../../src/dashboard/host.ts';
import type { ReleaseKind, ReleaseRecord } from '../../src/ledger/types.ts';
import type { BotDeps } from '../bot-scope.ts';
import { claimOwnService } from '../handlers/service-claim.ts';
import { requestRelease } from '../releases/request-release.ts';
import type { DashboardAccess } from './access.ts';
import { actingScope } from './service-repository.ts';

export function botActions(app: Probot, deps: BotDeps, access: DashboardAccess): DashboardActions {
  const act = async (kind: ReleaseKind, request: DeployInput): Promise<ActionResult> => {
    const { service, environment, actor } = request;
    const what = `dashboard ${kind} of ${service} in ${environment} by @${actor}`;
    const refused = (message: string): ActionResult => {
      app.log.info(`refused ${what}: ${message}`);
      return { ok: false, message };
    };
    const refusal = await access.actRefusal(actor, service, environment, kind);
    if (refusal) return refused(refusal);
    const scope = await actingScope(app, deps, service);
    if (!scope)
      return refused(
        `no repository that owns ${service} has the app installed, so it has nowhere to act for it`,
      );
    const ownership = await claimOwnService(scope);
    if (ownership && !ownership.accepted) return refused(ownership.reason);
    const answer = await requestRelease(
      scope,
      {
        kind,
        service,
        environment,
        version: request.version,
        commit: request.commit,
        requestedBy: actor,
        pullRequest: null,
      },
      what,
    );
    if (!answer.ok) return refused(answer.refusal);
    const release = answer.release;
    if (release === null)
      return { ok: true, message: `${kind} of ${service} in ${environment} was asked for already` };
    const [now] = (await deps.ledger.releases({ repo: scope.fullName, environment, limit: 20 })).filter(
      (r) => r.id === release.id,
    );
    return describe(kind, service, environment, now ?? release);
  };
  return { rollback: (request) => act('rollback', request), deploy: (request) => act('deploy', request) };
}

function describe(
  kind: ReleaseKind,
  service: string,
  environment: string,
  release: ReleaseRecord,
): ActionResult {
  const what = `${kind} of ${service}${release.version ? ` ${release.version}` : ''} to ${environment}`;
  if (release.state === 'queued') return { ok: true, message: `${what} is queued (release ${release.id})` };
  if (release.state === 'failure' || release.state === 'error' || release.state === 'expired')
    return { ok: false, message: `${what} did not start: ${release.description ?? release.state}` };
  return { ok: true, message: `${what} started (release ${release.id})` };
}
