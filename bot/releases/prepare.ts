/**
 * A bot release prepared by the use case every front door shares (src/release/prepare-release.ts)
 * over the bot's version source (bot-source.ts): the version and its commit settled, what it
 * declares, and the deploy gate asked. What it refuses comes back as the sentence the reply says.
 */

import { resolveConstraints, resolveEnvironment } from '../../src/config/resolve.ts';
import type { TrancheConfig } from '../../src/config/schema.ts';
import type { ReleaseKind } from '../../src/ledger/types.ts';
import { DeployRefusedError } from '../../src/release/deploy-gate.ts';
import { type PreparedRelease, prepareRelease } from '../../src/release/prepare-release.ts';
import { UnknownVersionError, VersionCommitError } from '../../src/release/settle-version.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { botSource } from './bot-source.ts';

export interface BotReleaseRequest {
  environment: string;
  kind: ReleaseKind;
  /** The version asked for; undefined: number the next one. */
  version: string | undefined;
  /** The commit to deploy when the version does not say (a pull request's head); null: the version's. */
  commit: string | null;
}

/** The release prepared, or why it may not go (a sentence for the reply). */
export async function prepareBotRelease(
  scope: HandlerScope,
  config: TrancheConfig,
  request: BotReleaseRequest,
): Promise<PreparedRelease | string> {
  const { environment, kind } = request;
  // The bot never runs an inventory command: it needs the environment's name, versions and constraints only.
  const resolved = resolveEnvironment(config, environment, { unread: 'no-targets' });
  const { service } = resolved;
  try {
    const prepared = await prepareRelease(botSource(scope), {
      service,
      environment,
      named: request.version,
      commit: request.commit,
      template: resolved.versionTemplate,
      action: kind,
      configured: resolveConstraints(config),
      now: scope.deps.now(),
    });
    if (prepared.refusals.length === 0) return prepared;
    const gate = { service, environment, version: prepared.version, action: kind };
    return new DeployRefusedError(gate, prepared.refusals).message;
  } catch (error) {
    if (error instanceof UnknownVersionError) {
      const where =
        scope.settings.versions === 'ledger'
          ? 'in the ledger'
          : `as a tag tranche/${service}/${error.version}`;
      return `${service} has no version \`${error.version}\` ${where}; name a version that was deployed before`;
    }
    if (error instanceof VersionCommitError) return error.message;
    throw error;
  }
}
