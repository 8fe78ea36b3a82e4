import { type AnalysisHorizon, componentHorizons } from '../../checks/analysis-horizon.ts';
import type { AnalysisCheckSpec } from '../../checks/check-specs.ts';
import { resolveEnvironment, resolveTracks } from '../../config/resolve.ts';
import type { CanarySelection } from '../../engine/categories.ts';
import { planRelease } from '../../engine/plan.ts';
import type { ComponentSpec } from '../../engine/ports.ts';
import { canaryHeadline, canaryNotes, trackCoverageLines } from '../../render/canary-coverage.ts';
import { type CommonOptions, chooseEnvironment, loadProject, readProjectInventory } from '../project.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Print the batches a deploy would run, and the environments of tracks that choose them by
 * categories (what each covers); runs nothing.
 */
export async function planCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const loadedProject = await loadProject(options, runtime);
  const environment = chooseEnvironment(loadedProject, options);
  const project = await readProjectInventory(loadedProject, environment, options, runtime);
  const resolved = resolveEnvironment(project.loaded.config, environment);
  const plan = planRelease(resolved.service, environment, resolved.components);
  const chosen = resolveTracks(project.loaded.config).flatMap((t) =>
    t.categories ? [{ track: t.name, categories: t.categories }] : [],
  );
  const horizons = new Map(resolved.components.map((c) => [c.name, componentHorizons(c)]));
  if (options.json) {
    const tracks = chosen.length > 0 ? { tracks: chosen } : {};
    const analysis = analysisJson(resolved.components, horizons);
    runtime.stdout.write(`${JSON.stringify({ ...plan, ...analysis, ...tracks }, null, 2)}\n`);
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
    for (const { check, horizon } of horizons.get(component.name) ?? [])
      lines.push(`    ${horizonLine(check, horizon)}`);
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

/** Each analysis test's name in the plan, and when it decides. */
const TEST_WORDS = {
  counts: ['rate-ratio test', ' (at the first look with a scrape in the window, once the counts allow)'],
  sequential: ['sign test', ''],
  'mann-whitney': ['Mann-Whitney', ' (a fixed-horizon test: at the end of the bake)'],
} as const;

/** When an analysis check could first fail and pass after each batch's deploy, in one line. */
export function horizonLine(check: AnalysisCheckSpec, horizon: AnalysisHorizon): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${ms / 1000} s`);
  const kind = check.metric.type === 'counts' ? 'counts' : check.metric.test.kind;
  const [test, note] = TEST_WORDS[kind];
  const when = `could fail from ${seconds(horizon.earliestFailMs)} and pass from ${seconds(horizon.earliestPassMs)} after each batch's deploy`;
  return `analysis ${check.name} (${test}): ${when}${note}`;
}

/** `analysis`: per component, each analysis check's earliest fail and pass in seconds (null: never). */
function analysisJson(
  components: ComponentSpec[],
  horizons: Map<string, ReturnType<typeof componentHorizons>>,
): {
  analysis?: {
    component: string;
    check: string;
    earliestFailSeconds: number | null;
    earliestPassSeconds: number | null;
  }[];
} {
  const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
  const rows = components.flatMap((c) =>
    (horizons.get(c.name) ?? []).map(({ check, horizon }) => ({
      component: c.name,
      check: check.name,
      earliestFailSeconds: seconds(horizon.earliestFailMs),
      earliestPassSeconds: seconds(horizon.earliestPassMs),
    })),
  );
  return rows.length > 0 ? { analysis: rows } : {};
}
