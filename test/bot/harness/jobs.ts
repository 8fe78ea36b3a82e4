/** Simulated job outcomes for the verdict tests. */
import type { OutcomeInput } from '../../../src/ledger/fleet-types.ts';

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

/** Jobs' outcomes as `tranche report` records them: straight into the ledger the bot shares. */
export function reported(list: ReturnType<typeof jobs>, at: number, service = 'shop'): OutcomeInput[] {
  return list.map((j) => ({
    service,
    version: j.version,
    environment: j.environment,
    outcome: j.outcome,
    source: 'report',
    sourceId: j.job,
    at,
  }));
}
