import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { project, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';

/** Five clusters labelled by cloud and browser; a canary track chooses among them pairwise. */
const CLUSTERS = `service: shop
environments:
  eu-aws:
    labels: { cloud: aws, browser: chrome, note: "$(touch pwned); echo 'x'" }
    components: [{ name: app, targets: [eu-aws-1], deploy: ./deploy.sh }]
  us-aws:
    labels: { cloud: aws, browser: chrome }
    components: [{ name: app, targets: [us-aws-1], deploy: ./deploy.sh }]
  eu-gcp:
    labels: { cloud: gcp, browser: firefox }
    components: [{ name: app, targets: [eu-gcp-1], deploy: ./deploy.sh }]
  us-gcp:
    labels: { cloud: gcp, browser: chrome }
    components: [{ name: app, targets: [us-gcp-1], deploy: ./deploy.sh }]
  ap-aws:
    labels: { cloud: aws, browser: firefox }
    components: [{ name: app, targets: [ap-aws-1], deploy: ./deploy.sh }]
tracks:
  - name: canary
    categories: { labels: [cloud, browser], coverage: pairwise, values: { cloud: [aws, gcp, azure] } }
    bake: 1h
  - { name: stable, environments: [eu-aws, us-aws, eu-gcp, us-gcp, ap-aws] }
`;

/** Writes the environment's labels, as the command sees them, to state/<target>.labels. */
const LABELS_DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
printf '%s' "$TRANCHE_ENVIRONMENT_LABELS" > "state/$TRANCHE_TARGET.labels"
`;

const disposeAfter = disposedAfterEach();

function fixture() {
  const p = project({ 'tranche.yml': CLUSTERS, 'deploy.sh': LABELS_DEPLOY });
  disposeAfter(p.dispose);
  const cli = (...args: string[]) => runCli(args, { cwd: p.dir });
  return { ...p, cli };
}

describe('a track that chooses its environments by categories', () => {
  describe('tranche plan', () => {
    it('shows the chosen environments, what each covers, the count beside the lower bound and a value none carries', async () => {
      const { code, stdout } = await fixture().cli('plan', '-e', 'eu-aws');
      expect(code).toBe(0);
      expect(stdout).toContain(
        [
          'track canary: eu-aws, eu-gcp, us-gcp, ap-aws',
          '  canary environments (pairwise over cloud, browser): 4, lower bound 4, covering 8 value(s) and pair(s)',
          '    eu-aws: cloud=aws × browser=chrome',
          '    eu-gcp: cloud=gcp × browser=firefox',
          '    us-gcp: cloud=gcp × browser=chrome',
          '    ap-aws: cloud=aws × browser=firefox',
          '  declared but carried by no environment: cloud=azure',
        ].join('\n'),
      );
    });

    it('puts the choice in --json beside the plan', async () => {
      const plan = JSON.parse((await fixture().cli('plan', '-e', 'eu-aws', '--json')).stdout);
      expect(plan.environment).toBe('eu-aws');
      expect(plan.tracks).toHaveLength(1);
      expect(plan.tracks[0].track).toBe('canary');
      expect(plan.tracks[0].categories).toMatchObject({
        coverage: 'pairwise',
        lowerBound: 4,
        missing: [{ label: 'cloud', value: 'azure' }],
      });
    });
  });

  describe('tranche tracks', () => {
    it('lists the chosen environments as the track’s, with what they cover', async () => {
      const { code, stdout } = await fixture().cli('tracks');
      expect(code).toBe(0);
      expect(stdout).toMatch(/canary\s+eu-aws, eu-gcp, us-gcp, ap-aws/);
      expect(stdout).toContain(
        '  canary environments (pairwise over cloud, browser): 4, lower bound 4, covering 8 value(s) and pair(s)',
      );
    });
  });
});

describe('a deploy command', () => {
  it('gets the environment’s labels as JSON in TRANCHE_ENVIRONMENT_LABELS, never run as shell', async () => {
    const f = fixture();
    const run = await f.cli('deploy', '-e', 'eu-aws', '--allow-dirty');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(f.path('state/eu-aws-1.labels'), 'utf8'))).toEqual({
      cloud: 'aws',
      browser: 'chrome',
      note: "$(touch pwned); echo 'x'",
    });
    expect(existsSync(f.path('pwned'))).toBe(false);
  });
});
