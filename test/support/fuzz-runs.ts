/**
 * How hard the property-based tests try. `npm test` runs the quick tier: a few hundred cases per
 * property from a fixed seed, the same every run. `npm run test:faults` sets TRANCHE_FUZZ_RUNS
 * (thousands) and, unless TRANCHE_FUZZ_SEED fixes one, a new seed each run; fast-check names the
 * seed and the shrunk case of any failure, and TRANCHE_FUZZ_SEED replays it.
 */
const runs = Number(process.env.TRANCHE_FUZZ_RUNS ?? '') || 0;
const seed = Number(process.env.TRANCHE_FUZZ_SEED ?? '') || undefined;

/** The quick tier's fixed seed. */
const QUICK_SEED = 20261206;

export function fuzzRuns(quick: number): { numRuns: number; seed: number | undefined } {
  return runs > 0 ? { numRuns: runs, seed } : { numRuns: quick, seed: seed ?? QUICK_SEED };
}

/** A test's timeout from its work: `perCaseMs` for each case tried, and 30 s for everything else. */
export function fuzzTimeout(quick: number, perCaseMs: number): number {
  return 30_000 + fuzzRuns(quick).numRuns * perCaseMs;
}
