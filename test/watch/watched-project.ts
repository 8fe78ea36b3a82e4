/**
 * The project the watch suites watch: shop's app in prod on the given targets, with two checks.
 * `up` passes only when the target's state file (state/<target>, which the deploy writes) shows
 * the version the ledger says it runs: before its first deploy it fails with `<target> has no
 * state file`, on a wrong version with `<target> shows '<v>', not '<w>'`. `fast` always passes
 * (value 3, max 10).
 */
import { project } from '../support/cli.ts';

function config(targets: readonly string[]): string {
  return `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [${targets.join(', ')}]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2 }
        checks: [up, fast]
checks:
  up:
    command: ./up.sh
  fast:
    command: 'echo "{\\"value\\": 3}"'
    max: 10
`;
}

const UP = `#!/bin/sh
shown=$(cat "state/$TRANCHE_TARGET" 2>/dev/null) || { echo "$TRANCHE_TARGET has no state file" >&2; exit 1; }
[ "$shown" = "$TRANCHE_VERSION" ] || { echo "$TRANCHE_TARGET shows '$shown', not '$TRANCHE_VERSION'" >&2; exit 1; }
`;

const WRITE_STATE = `mkdir -p state
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
`;

/** Deploys a target by writing its state file. */
export const DEPLOY = `#!/bin/sh
set -eu
${WRITE_STATE}`;

/** Deploys a target only once the file go-<target> exists, so a test lets targets land one at a time. */
export const GATED_DEPLOY = `#!/bin/sh
set -eu
while [ ! -f "go-$TRANCHE_TARGET" ]; do sleep 0.05; done
${WRITE_STATE}`;

export function watchedProject(targets: readonly string[], deploy: string) {
  return project({ 'tranche.yml': config(targets), 'up.sh': UP, 'deploy.sh': deploy });
}
