/** A throwaway checked-out repository with tranche.yml and real shell deploy and check scripts. */
import { readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { project, RECORDING_CHECK, RECORDING_DEPLOY } from '../support/cli.ts';

export function fleetConfig(
  options: { targets?: number; bake?: string; checkEvery?: string; url?: string } = {},
): string {
  const targets = Array.from({ length: options.targets ?? 3 }, (_, i) => `t-${i + 1}`).join(', ');
  return `service: shop
version: "1.{n}"
environments:
  prod:${options.url ? `\n    url: "${options.url}"` : ''}
    components:
      - name: app
        targets: [${targets}]
        deploy: ./deploy.sh
        timeout: 20s
        rollout: { first: 1, growth: 2, bake: ${options.bake ?? '0s'}, checkEvery: ${options.checkEvery ?? '1s'} }
        checks: [latency]
checks:
  latency:
    command: ./check.sh
    max: 300
    unit: ms
`;
}

export function fleet(files: Record<string, string> = {}) {
  const p = project({
    'tranche.yml': fleetConfig(),
    'deploy.sh': RECORDING_DEPLOY,
    'check.sh': RECORDING_CHECK,
    ...files,
  });
  const versionOf = (target: string) => readFileSync(p.path(`state/${target}`), 'utf8').trim();
  const log = () => readFileSync(p.path('state/log'), 'utf8');
  const read = (name: string) => readFileSync(p.path(name), 'utf8');
  return { ...p, versionOf, log, read };
}

/** fleet(), each removed after the test file's last test. */
export function useWorkspaces(): (files?: Record<string, string>) => ReturnType<typeof fleet> {
  const made: ReturnType<typeof fleet>[] = [];
  afterAll(() => {
    for (const f of made.splice(0)) f.dispose();
  });
  return (files = {}) => {
    const f = fleet(files);
    made.push(f);
    return f;
  };
}
