import { afterEach, describe, expect, it } from 'vitest';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';

/** Five targets (batches 1, 2, 2: two compare), a 5-minute bake looked at every 10 s, two analyses. */
const CONFIG = `service: shop
version: "{n}"
environments:
  prod:
    components:
      - name: app
        targets: [a, b, c, d, e]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2, bake: 5m, checkEvery: 10s }
        checks: [errors, p95]
checks:
  errors:
    analysis:
      url: http://prom:9090
      scrapeInterval: 15s
      counts:
        failures: http_requests_total{instance=~"{targets}",code=~"5.."}
        total: http_requests_total{instance=~"{targets}"}
  p95:
    analysis:
      url: http://prom:9090
      series: { query: p95, step: 15s }
`;

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

async function plan(...args: string[]) {
  const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
  dispose = p.dispose;
  return runCli(['plan', '-e', 'prod', ...args], { cwd: p.dir });
}

describe('tranche plan with analysis checks', () => {
  it('shows when each could first fail and pass after a batch’s deploy', async () => {
    const { code, stdout } = await plan();
    expect(code).toBe(0);
    // Counts: the first look after a 15 s scrape. Sign test at alpha 0.005 per batch: 11 steps of
    // 15 s, sure to be complete after 12 × 15 s = 180 s, a look of the 10 s cadence.
    expect(stdout).toContain(
      "    analysis errors (rate-ratio test): could fail from 20 s and pass from 20 s after each batch's deploy (at the first look with a scrape in the window, once the counts allow)\n",
    );
    expect(stdout).toContain(
      "    analysis p95 (sign test): could fail from 180 s and pass from 180 s after each batch's deploy\n",
    );
  });

  it('puts the same times in --json', async () => {
    const { stdout } = await plan('--json');
    expect(JSON.parse(stdout).analysis).toEqual([
      { component: 'app', check: 'errors', earliestFailSeconds: 20, earliestPassSeconds: 20 },
      { component: 'app', check: 'p95', earliestFailSeconds: 180, earliestPassSeconds: 180 },
    ]);
  });
});
