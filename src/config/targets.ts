/**
 * A component's targets as tranche.yml gives them: a list, or an inventory (a command or a file,
 * inventory.ts) read when a run is planned. Until then its targets are unknown.
 */

/** An inventory's source, as tranche.yml writes it. */
export type UnreadInventory = { command: string } | { file: string };

/** The targets listed in tranche.yml; none for an inventory that has not been read. */
export function listedTargets<T>(targets: readonly T[] | UnreadInventory): readonly T[] {
  return Array.isArray(targets) ? targets : [];
}
