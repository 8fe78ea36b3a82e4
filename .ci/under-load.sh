#!/usr/bin/env bash
# The tests that start many processes and wait on them, run again while another process keeps
# every core busy, as on a shared CI runner: process concurrency on both ledgers, the shell
# executor's timeouts and kills, deploy leases, tail and follow, and the demo. Their timeouts come
# from work measured under that load (test/support/measured-work.ts), not from guessed constants;
# this proves they hold. Run by `npm run test:under-load` (from .ci/run, after `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."

hogs=()
stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_hogs EXIT
for _ in $(seq "$(nproc)"); do
  sh -c 'while :; do :; done' &
  hogs+=("$!")
done
echo "under-load: ${#hogs[@]} busy loops (pids ${hogs[*]}) keep every core busy"

# One file at a time, as the timeouts' measure assumes: each file's bursts of processes (fifty CLI
# processes at once) on top of the busy loops would starve another file's processes past any
# measure taken before them.
# Of the ledger suites, the tests between processes; of the CLI's, fifty processes allocating
# versions at once and the lease on the environment (deploys contending, a killed deploy's lease
# running out); the other files whole.
vitest run --config test/vitest.config.ts --maxWorkers=1 \
  -t "between processes|concurrent processes|the environment's lock" \
  test/ledger/sqlite.test.ts test/ledger/postgres.test.ts test/cli/commands.test.ts test/cli/deploy.test.ts
vitest run --config test/vitest.config.ts --maxWorkers=1 \
  test/exec/shell-executor.test.ts test/release/deploy-lock.test.ts \
  test/cli/tail.test.ts test/cli/follow.test.ts test/examples/local-fleet.test.ts
