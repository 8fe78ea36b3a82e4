import { resolveEnvironment, resolveTracks } from '../../config/resolve.ts';
import type { CanarySelection } from '../../engine/categories.ts';
import { planRelease } from '../../engine/plan.ts';
import { canaryHeadline, canaryNotes, trackCoverageLines } from '../../render/canary-coverage.ts';
import { type CommonOptions, chooseEnvironment, loadProject } from '../project.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Print the batches a deploy would run, and the environments of tracks that choose them by
 * categories (what each covers); runs nothing.
 */
export async function planCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const environment = chooseEnvironment(project, options);
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const plan = planRelease(resolved.service, environment, resolved.components);
  const chosen = resolveTracks(project.loaded.config).flatMap((t) =>
    t.categories ? [{ track: t.name, categories: t.categories }] : [],
  );
  if (options.json) {
    const tracks = chosen.length > 0 ? { tracks: chosen } : {};
    runtime.stdout.write(`${JSON.stringify({ ...plan, ...tracks }, null, 2)}\n`);
    return 0;
  }
  const lines = [`${plan.service} → ${plan.environment} (onFailure: ${resolved.onFailure})`];
  for (const component of plan.components) {
    lines.push(`  ${component.name}`);
    if (component.canaries) lines.push(...canaryLines(component.canaries));
    for (const [i, batch] of component.batches.entries()) {
      const bake = batch.bakeSeconds > 0 ? `, bake ${batch.bakeSeconds} s` : '';
      lines.push(`    batch ${i + 1}: ${batch.targets.length} target(s)${bake}: ${batch.targets.join(', ')}`);
    }
  }
  for (const { track, categories } of chosen) lines.push(...trackCoverageLines(track, categories));
  runtime.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The canaries of a component's first batch: what each covers, the size beside its lower bound, what is missing. */
export function canaryLines(selection: CanarySelection): string[] {
  return [
    `    ${canaryHeadline(selection)}`,
    ...selection.canaries.map((c) => `      ${c.target}: ${c.covers.join('; ')}`),
    ...canaryNotes(selection).map((note) => `    ${note}`),
  ];
}
