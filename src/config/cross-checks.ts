/**
 * Rules that span more than one value: unique names, and check references that must name a
 * defined check. They run even when other parts of the file are invalid, so they read their
 * input defensively.
 */
import type { z } from 'zod';
import { tryParseDuration } from './duration.ts';
import { didYouMean } from './messages.ts';

type Ctx = z.RefinementCtx;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  return isRecord(item) && typeof item.name === 'string' ? item.name : undefined;
}

/** Reports every item of a list whose name an earlier item already has. */
export function duplicateNameIssues(kind: string) {
  return (items: unknown, ctx: Ctx): void => {
    if (!Array.isArray(items)) return;
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const name = nameOf(item);
      if (name === undefined) return;
      if (seen.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${kind} '${name}' is listed more than once`,
        });
      }
      seen.add(name);
    });
  };
}

/** Reports every component check reference that names no check under the top-level `checks`. */
export function checkReferenceIssues(config: unknown, ctx: Ctx): void {
  if (!isRecord(config) || !isRecord(config.environments)) return;
  const defined = isRecord(config.checks) ? config.checks : {};
  for (const [environment, settings] of Object.entries(config.environments)) {
    const components = isRecord(settings) ? settings.components : undefined;
    if (!Array.isArray(components)) continue;
    components.forEach((component, index) => {
      const path = ['environments', environment, 'components', index, 'checks'];
      reportUndefinedChecks(isRecord(component) ? component.checks : undefined, defined, path, ctx);
    });
  }
}

function reportUndefinedChecks(
  references: unknown,
  defined: Record<string, unknown>,
  path: (string | number)[],
  ctx: Ctx,
): void {
  if (!Array.isArray(references)) return;
  references.forEach((reference, index) => {
    if (typeof reference !== 'string' || Object.hasOwn(defined, reference)) return;
    ctx.addIssue({
      code: 'custom',
      path: [...path, index],
      message: `check '${reference}' is not defined under checks${didYouMean(reference, Object.keys(defined))}`,
    });
  });
}

/** Reports every component that runs an analysis check without a bake: the analysis would have no window. */
export function analysisBakeIssues(config: unknown, ctx: Ctx): void {
  if (!isRecord(config) || !isRecord(config.environments) || !isRecord(config.checks)) return;
  const checks = config.checks;
  for (const [environment, settings] of Object.entries(config.environments)) {
    const components = isRecord(settings) ? settings.components : undefined;
    if (!Array.isArray(components)) continue;
    components.forEach((component, index) => {
      if (!isRecord(component) || !Array.isArray(component.checks)) return;
      const rollout = isRecord(component.rollout) ? component.rollout : {};
      if (tryParseDuration(rollout.bake ?? 0) !== 0) return;
      component.checks.forEach((reference, at) => {
        const check =
          typeof reference === 'string' && Object.hasOwn(checks, reference) ? checks[reference] : undefined;
        if (!isRecord(check) || !('analysis' in check)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['environments', environment, 'components', index, 'checks', at],
          message: `check '${reference}' is an analysis: it compares canaries with baselines during the bake, so set rollout.bake`,
        });
      });
    });
  }
}
