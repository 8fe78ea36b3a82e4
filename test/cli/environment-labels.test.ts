import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { project, runCli } from '../support/cli.ts';

/** Five clusters labelled by cloud and browser. */
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
`;

/** Writes the environment's labels, as the command sees them, to state/<target>.labels. */
const LABELS_DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
printf '%s' "$TRANCHE_ENVIRONMENT_LABELS" > "state/$TRANCHE_TARGET.labels"
`;

let disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers) dispose();
  disposers = [];
});

function fixture() {
  const p = project({ 'tranche.yml': CLUSTERS, 'deploy.sh': LABELS_DEPLOY });
  disposers.push(p.dispose);
  const cli = (...args: string[]) => runCli(args, { cwd: p.dir });
  return { ...p, cli };
}

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
