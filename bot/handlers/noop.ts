/** /noop: the plan of a deploy from the default branch's tranche.yml; nothing is deployed. */
import { sourceText } from '../../src/config/inventory.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';
import { planRelease } from '../../src/engine/plan.ts';
import { liveVersion } from '../../src/release/live-version.ts';
import { renderPlanMarkdown } from '../../src/render/markdown-summary.ts';
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { answer, type CommentTarget, refuse } from './answer.ts';
import { configFor } from './environment-check.ts';

export async function noop(
  scope: HandlerScope,
  command: CommandOf<'noop'>,
  target: CommentTarget,
): Promise<void> {
  const config = configFor(scope, command.environment);
  if (!config.ok) return refuse(scope, target, `/noop ${command.environment}`, config.problem);
  const resolved = resolveEnvironment(config.loaded.config, command.environment, { unread: 'no-targets' });
  const plan = planRelease(resolved.service, command.environment, resolved.components);
  const live = await liveVersion(deploymentHistory(scope), resolved.service, command.environment);
  const liveLine = live
    ? `**${command.environment}** is on \`${live}\`.`
    : `**${command.environment}** has no live version recorded yet.`;
  // The bot runs no inventory command (it would run the repository's code on the bot's host).
  const inventories = (config.loaded.config.environments[command.environment]?.components ?? []).flatMap(
    (c) =>
      Array.isArray(c.targets)
        ? []
        : [
            `The targets of **${c.name}** come from its inventory (${sourceText(c.targets)}), read when the Action deploys.`,
          ],
  );
  const notes = [...inventories, liveLine].join('\n\n');
  await answer(scope, target, `${renderPlanMarkdown(plan, resolved.onFailure)}\n\n${notes}`);
}
