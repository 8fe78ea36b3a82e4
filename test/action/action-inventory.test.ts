/**
 * The bundled Action reads a component's inventory before anything runs, as the CLI does: its
 * targets are deployed and recorded with the run, and a failing inventory command fails the step
 * with an annotation at `targets`, before any GitHub request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/engine/result.ts';
import { fleetConfig, useWorkspaces } from './fleet.ts';
import { expectAllScopesDone } from './harness/expect.ts';
import { type ActionRun, runAction } from './harness/runner.ts';
import { firstRollout } from './harness/scenario.ts';

const workspace = useWorkspaces();

const FROM_INVENTORY = fleetConfig().replace('targets: [t-1, t-2, t-3]', 'targets: { command: ./hosts.sh }');
const HOSTS = `#!/bin/sh
printf '%s\\n' '"t-1"' '{"name": "t-2", "labels": {"zone": "b"}}' '"t-3"'
`;

describe('the bundled Action with targets from an inventory command', () => {
  describe('when the inventory gives three targets', () => {
    let f: ReturnType<typeof workspace>;
    let run: ActionRun;
    beforeAll(async () => {
      f = workspace({ 'tranche.yml': FROM_INVENTORY, 'hosts.sh': HOSTS });
      run = await runAction({
        workspace: f.dir,
        interactions: firstRollout(),
      });
    });

    it('deploys the targets it printed and logs the inventory', () => {
      expect(run.code).toBe(0);
      const result = JSON.parse(run.outputs.result ?? 'null') as DeployResult;
      expect(result.components[0]?.batches.map((b) => b.targets)).toEqual([['t-1'], ['t-2', 't-3']]);
      expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.3', '1.3', '1.3']);
      expect(run.stdout).toContain('inventory: app: 3 target(s) from command ./hosts.sh: t-1, t-2, t-3');
      expectAllScopesDone(run);
    });
  });

  describe('when the inventory command fails', () => {
    let run: ActionRun;
    beforeAll(async () => {
      const failing = '#!/bin/sh\necho "no inventory today" >&2\nexit 5\n';
      const f = workspace({ 'tranche.yml': FROM_INVENTORY, 'hosts.sh': failing });
      run = await runAction({ workspace: f.dir, interactions: [] });
    });

    it('fails the step with an annotation at targets, before any GitHub request or deploy', () => {
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        '::error file=tranche.yml,line=7,col=29::inventory command ./hosts.sh failed with exit code 5: no inventory today',
      );
      expectAllScopesDone(run);
    });
  });
});
