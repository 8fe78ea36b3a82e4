import type { ComponentSpec } from '../engine/ports.ts';

export class UnknownTargetError extends Error {
  override name = 'UnknownTargetError';
}

/**
 * Only the named targets (a deployment payload's `targets`); components left with none are dropped.
 * A name that is no target of the environment is an error naming the ones that are.
 */
export function selectTargets(
  components: ComponentSpec[],
  names: readonly string[] | undefined,
): ComponentSpec[] {
  if (names === undefined) return components;
  const known = new Set(components.flatMap((c) => c.targets.map((t) => t.name)));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UnknownTargetError(
      `payload.tranche.targets: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a target of this environment (targets: ${[...known].join(', ')})`,
    );
  }
  const wanted = new Set(names);
  return components
    .map((c) => ({ ...c, targets: c.targets.filter((t) => wanted.has(t.name)) }))
    .filter((c) => c.targets.length > 0);
}
