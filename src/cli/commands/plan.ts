import { resolveEnvironment } from '../../config/resolve.ts';
import { planRelease } from '../../engine/plan.ts';
import { type CommonOptions, chooseEnvironment, loadProject } from '../project.ts';
import type { Runtime } from '../runtime.ts';

/** Print the batches a deploy would run; runs nothing. */
export async function planCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const environment = chooseEnvironment(project, options);
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const plan = planRelease(resolved.service, environment, resolved.components);
  if (options.json) {
    runtime.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  const lines = [`${plan.service} → ${plan.environment} (onFailure: ${resolved.onFailure})`];
  for (const component of plan.components) {
    lines.push(`  ${component.name}`);
    for (const [i, batch] of component.batches.entries()) {
      const bake = batch.bakeSeconds > 0 ? `, bake ${batch.bakeSeconds} s` : '';
      lines.push(`    batch ${i + 1}: ${batch.targets.length} target(s)${bake}: ${batch.targets.join(', ')}`);
    }
  }
  runtime.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
