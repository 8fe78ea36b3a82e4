/**
 * A release plan as the reply shows it: one line per component, its batch sizes and bake, and
 * under it, with categories, how many canaries beside the lower bound and what the labels leave out.
 */
import type { ReleasePlan } from '../../src/engine/plan.ts';
import { canaryHeadline, canaryNotes } from '../../src/render/canary-coverage.ts';

export function planSummary(plan: ReleasePlan): string {
  return plan.components
    .map((component) => {
      const sizes = component.batches.map((b) => b.targets.length);
      const targets = sizes.reduce((a, b) => a + b, 0);
      const bake = component.batches[0]?.bakeSeconds ?? 0;
      const baking = bake > 0 ? `, ${bake} s bake after each` : '';
      const line = `- **${component.name}**: ${targets} ${targets === 1 ? 'target' : 'targets'} in ${sizes.length} ${sizes.length === 1 ? 'batch' : 'batches'} (${sizes.join(', ')})${baking}`;
      const canaries = component.canaries
        ? [canaryHeadline(component.canaries), ...canaryNotes(component.canaries)]
        : [];
      return [line, ...canaries.map((c) => `  - ${c}`)].join('\n');
    })
    .join('\n');
}
