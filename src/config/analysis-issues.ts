/**
 * Analysis checks that can never decide are refused at load, at the component's reference to
 * the check: a sign test whose bake cannot hold the steps it needs to fail (it would pass every
 * regression with onInconclusive: pass), a bake that can hold no scrape, a step shorter than the
 * scrape interval (checks/analysis-horizon.ts says when each check can decide). Runs on the parsed
 * config, where components resolve to their batches.
 */
import type { z } from 'zod';
import { componentHorizons } from '../checks/analysis-horizon.ts';
import { resolveEnvironment } from './resolve.ts';
import type { TrancheConfig } from './schema.ts';

export function analysisHorizonIssues(config: TrancheConfig, ctx: z.RefinementCtx): void {
  // Refinements run after others reported problems too; components resolve only once there are none.
  if (hasIssues(ctx)) return;
  for (const environment of Object.keys(config.environments)) {
    // An inventory's targets are not known yet: its components are judged without them here.
    const resolved = resolveEnvironment(config, environment, { unread: 'no-targets' });
    resolved.components.forEach((component, index) => {
      const references = config.environments[environment]?.components[index]?.checks ?? [];
      for (const { check, horizon } of componentHorizons(component)) {
        const at = references.indexOf(check.name);
        for (const problem of horizon.problems)
          ctx.addIssue({
            code: 'custom',
            path: ['environments', environment, 'components', index, 'checks', at],
            message: `check '${check.name}' cannot decide here: ${problem}`,
          });
      }
    });
  }
}

/** Whether earlier checks of this parse reported issues (zod's refinement context carries them). */
function hasIssues(ctx: z.RefinementCtx): boolean {
  const issues = (ctx as { issues?: unknown }).issues;
  return Array.isArray(issues) && issues.length > 0;
}
