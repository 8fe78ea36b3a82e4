/**
 * The CLI as the conformance suite's front door: the real `tranche` process in a project holding
 * the scenario's tranche.yml, on the scenario's ledger, outside any CI job (it finds the bot's
 * locks through the service's owner in the ledger), its answer read back into a Decision.
 */
import { project, runCli } from '../support/cli.ts';
import { refusalIn } from './decisions.ts';
import { type Decision, ENVIRONMENT, type Scenario, trancheYml } from './scenarios.ts';

const DEPLOY_SCRIPT = '#!/bin/sh\ntrue\n';

export async function cliDecision(scenario: Scenario, ledger: string): Promise<Decision> {
  const dir = project({ 'tranche.yml': trancheYml(scenario), 'deploy.sh': DEPLOY_SCRIPT });
  const tranche = async (...args: string[]) => {
    const run = await runCli([...args, '--ledger', ledger], {
      cwd: dir.dir,
      // Outside a GitHub Actions job, whatever runs the tests.
      env: { GITHUB_REPOSITORY: '', TRANCHE_ACTOR: 'alice' },
    });
    if (run.code > 2) throw new Error(`tranche ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run;
  };
  try {
    const { request } = scenario;
    switch (request.kind) {
      case 'rollback':
        return rollbackDecision(await tranche('rollback', '--json'));
      case 'deploy':
        return deployDecision(await tranche('deploy', '--version', request.version, '--json'));
      case 'status': {
        const run = await tranche('status', '--json');
        const status = JSON.parse(run.stdout) as {
          environments: { environment: string; liveVersion: string | null }[];
        };
        const live = status.environments.find((e) => e.environment === ENVIRONMENT);
        return { kind: 'live', version: live?.liveVersion ?? null };
      }
      case 'mark-bad': {
        // What an operator does: mark it bad, ask the verdict where to roll back, roll back there.
        await tranche('verdict', 'mark-bad', request.version, '--reason', 'corrupts carts');
        const shown = await tranche('verdict', '--version', request.version, '--json');
        const [verdict] = JSON.parse(shown.stdout) as {
          rollback: { environment: string; rollBack: boolean }[];
        }[];
        const to: Record<string, string> = {};
        for (const { environment } of verdict?.rollback.filter((r) => r.rollBack) ?? []) {
          const rolled = rollbackDecision(await tranche('rollback', '--environment', environment, '--json'));
          if (rolled.kind === 'rollback') to[environment] = rolled.to;
        }
        return { kind: 'rollbacks', to };
      }
    }
  } finally {
    dir.dispose();
  }
}

function rollbackDecision(run: { code: number; stdout: string; stderr: string }): Decision {
  if (run.code === 0)
    return { kind: 'rollback', to: (JSON.parse(run.stdout) as { version: string }).version };
  if (run.stderr.includes('has no good version that succeeded before the live one'))
    return { kind: 'no-rollback' };
  throw new Error(`tranche rollback exited ${run.code}: ${run.stderr}`);
}

function deployDecision(run: { code: number; stdout: string; stderr: string }): Decision {
  if (run.code === 0)
    return { kind: 'deploy', version: (JSON.parse(run.stdout) as { version: string }).version };
  const refused = refusalIn(run.stderr);
  if (refused) return refused;
  throw new Error(`tranche deploy exited ${run.code}: ${run.stderr}`);
}
