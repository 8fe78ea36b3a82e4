/** The tranche.yml of the configuration contract, used across the config tests. */
import { ConfigError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';

export const EXAMPLE = `service: metrics-store
version: "2.14.{n}"
environments:
  production:
    components:
      - name: app
        targets: [app-1, app-2, { name: app-3, labels: { cloud: gcp } }]
        deploy: ./deploy.sh
        rollback: ./deploy.sh
        timeout: 2m
        rollout:
          first: 1
          growth: 2
          maxBatch: 16
          parallel: 4
          bake: 30s
          checkEvery: 10s
          rollbackParallel: 16
        checks: [health, query]
    onFailure: rollback-release
checks:
  health:
    http: { url: "http://{target}:8080/healthz", status: 200, samples: 5, p95: 300ms, timeout: 5s }
  query:
    command: ./checks/query.sh
`;

/** Joins lines into a YAML document, so a test can count lines and columns at a glance. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The lines of the ConfigError the text gives; fails the test when it gives none. */
export function configErrors(text: string): string[] {
  try {
    parseConfig(text, 'tranche.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}
