/**
 * Rules of the fleet keys that span more than one value: declared category values of labels
 * that are categories, a service that does not require itself, tracks over defined environments
 * whose target selectors match something. Like cross-checks.ts they run even when other parts of
 * the file are invalid, so they read their input defensively.
 */
import type { z } from 'zod';

type Ctx = z.RefinementCtx;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Declared values must belong to a category label. */
export function categoryIssues(config: unknown, ctx: Ctx): void {
  if (isRecord(config)) declaredValueIssues(config.categories, ['categories'], ctx);
}

function declaredValueIssues(categories: unknown, path: (string | number)[], ctx: Ctx): void {
  if (!isRecord(categories)) return;
  const { labels, values } = categories;
  if (!Array.isArray(labels) || !isRecord(values)) return;
  for (const label of Object.keys(values)) {
    if (labels.includes(label)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'values', label],
      message: `'${label}' is not one of the category labels (${labels.join(', ')})`,
    });
  }
}

/** A service cannot require itself: its own versions are what is being deployed. */
export function requiresIssues(config: unknown, ctx: Ctx): void {
  if (!isRecord(config) || !isRecord(config.requires) || typeof config.service !== 'string') return;
  if (!Object.hasOwn(config.requires, config.service)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['requires', config.service],
    message: `a service cannot require itself (${config.service}); list the services it depends on`,
  });
}

/**
 * Tracks name defined environments, or categories to choose them by, or both; a target selector
 * matches at least one target in each listed one; the first track takes new versions from
 * deploys, so it has no `promote`. (Whether categories choose anything is checked on the parsed
 * config: track-environments.ts.)
 */
export function trackIssues(config: unknown, ctx: Ctx): void {
  if (!isRecord(config) || !Array.isArray(config.tracks)) return;
  const environments = isRecord(config.environments) ? config.environments : {};
  config.tracks.forEach((track, index) => {
    if (!isRecord(track)) return;
    if (index === 0 && track.promote !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tracks', 0, 'promote'],
        message: 'the first track takes new versions from deploys; promote applies to the tracks after it',
      });
    }
    if (track.environments === undefined && track.categories === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tracks', index],
        message: 'a track needs environments, categories (to choose them by environment labels), or both',
      });
    }
    declaredValueIssues(track.categories, ['tracks', index, 'categories'], ctx);
    if (!Array.isArray(track.environments)) return;
    track.environments.forEach((name, at) => {
      if (typeof name !== 'string') return;
      const path = ['tracks', index, 'environments', at];
      if (!Object.hasOwn(environments, name)) {
        const known = Object.keys(environments).join(', ') || '(none)';
        ctx.addIssue({
          code: 'custom',
          path,
          message: `environment '${name}' is not defined (known: ${known})`,
        });
        return;
      }
      if (isRecord(track.targets) && !anyTargetMatches(environments[name], track.targets)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `no target of ${name} carries ${selectorText(track.targets)}`,
        });
      }
    });
  });
}

function anyTargetMatches(environment: unknown, selector: Record<string, unknown>): boolean {
  const components = isRecord(environment) ? environment.components : undefined;
  if (!Array.isArray(components)) return true;
  return components.some(
    (component) =>
      isRecord(component) &&
      // An inventory's targets are known only once it is read: it may hold one.
      (!Array.isArray(component.targets) ||
        component.targets.some((target) => {
          const labels = isRecord(target) && isRecord(target.labels) ? target.labels : {};
          return Object.entries(selector).every(
            ([key, value]) => Object.hasOwn(labels, key) && String(labels[key]) === String(value),
          );
        })),
  );
}

export function selectorText(selector: Record<string, unknown>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}
