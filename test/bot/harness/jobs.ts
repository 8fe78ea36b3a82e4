/** Simulated job outcomes for the verdict tests. */

/** `count` job outcomes of `version` in `environment`, `failures` of them failed, spread evenly. */
export function jobs(version: string, environment: string, count: number, failures: number) {
  return Array.from({ length: count }, (_, i) => ({
    version,
    environment,
    outcome: (Math.floor(((i + 1) * failures) / count) > Math.floor((i * failures) / count)
      ? 'failure'
      : 'success') as 'failure' | 'success',
    job: `${environment}-${version}-${i}`,
  }));
}
