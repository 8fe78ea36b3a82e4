/**
 * The suite's two tiers: `npm test` injects each fault kind somewhere (one per call site, the kinds
 * taken in turn), `npm run test:faults` (TRANCHE_FAULTS=full) every kind at every call site. Each
 * test file counts the faults it injected and the violations found, and prints the figures.
 */
export const FULL_TIER = process.env.TRANCHE_FAULTS === 'full';

/**
 * [site, kind] pairs: every kind at every site in the full tier; otherwise one kind per site, the
 * kinds in turn from `offset` (so that two scenarios meet different kinds at the same site).
 */
export function faultCases<K>(sites: number, kinds: readonly K[], offset = 0): [number, K][] {
  const all = Array.from({ length: sites }, (_, site) =>
    FULL_TIER
      ? kinds.map((kind) => [site, kind] as [number, K])
      : [[site, kinds[(site + offset) % kinds.length] as K] as [number, K]],
  );
  return all.flat();
}

export interface Tally {
  /** One fault injected, and the invariant violations found after it. */
  add(violations: string[]): void;
  report(): void;
}

export function tally(suite: string): Tally {
  let faults = 0;
  let violations = 0;
  return {
    add(found) {
      faults += 1;
      violations += found.length;
    },
    report() {
      process.stdout.write(
        `${suite}: ${faults} faults injected (${FULL_TIER ? 'full' : 'quick'} tier), ${violations} invariant violations\n`,
      );
    },
  };
}
