import { resolveEnvironment } from '../../config/resolve.ts';
import type { CanarySelection } from '../../engine/categories.ts';
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
    if (component.canaries) lines.push(...canaryLines(component.canaries));
    for (const [i, batch] of component.batches.entries()) {
      const bake = batch.bakeSeconds > 0 ? `, bake ${batch.bakeSeconds} s` : '';
      lines.push(`    batch ${i + 1}: ${batch.targets.length} target(s)${bake}: ${batch.targets.join(', ')}`);
    }
  }
  runtime.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The canaries of a component's first batch: what each covers, the size beside its lower bound, what is missing. */
export function canaryLines(selection: CanarySelection): string[] {
  const { canaries, coverage, labels } = selection;
  const lines = [
    `    canaries (${coverage} over ${labels.join(', ')}): ${canaries.length}, lower bound ${selection.lowerBound}, covering ${selection.required} ${coverage === 'all' ? 'combination(s)' : 'value(s) and pair(s)'}`,
  ];
  for (const c of canaries) lines.push(`      ${c.target}: ${c.covers.join('; ')}`);
  for (const m of selection.missing)
    lines.push(`    declared but carried by no target: ${m.label}=${m.value}`);
  for (const u of selection.undeclared) lines.push(`    carried but not declared: ${u.label}=${u.value}`);
  for (const u of selection.unlabelled) {
    lines.push(
      `    without ${u.label} (counted as unset): ${u.targets.length} target(s), e.g. ${u.targets.slice(0, 3).join(', ')}`,
    );
  }
  return lines;
}
