/**
 * Who a CLI run is recorded as started by: `--actor`, else the workflow's actor (GITHUB_ACTOR)
 * when the CLI runs in GitHub Actions, else this machine's user name. The ledger keeps it
 * (ledger/actor.ts); an --actor it could not keep as given is refused.
 */
import { userInfo } from 'node:os';
import { ACTOR_MAX_LENGTH, storedActor } from '../ledger/actor.ts';
import { type Runtime, UsageError } from './runtime.ts';

/** The actor of a run started with `given` as --actor; undefined when no name is to be had. */
export function runActor(given: string | undefined, runtime: Pick<Runtime, 'env'>): string | undefined {
  if (given !== undefined) {
    const kept = storedActor(given);
    if (kept === null || kept !== given) {
      throw new UsageError(
        `--actor: a name of 1 to ${ACTOR_MAX_LENGTH} characters without control characters or surrounding spaces`,
      );
    }
    return kept;
  }
  return storedActor(runtime.env.GITHUB_ACTOR || machineUser()) ?? undefined;
}

/** The OS user name; undefined where the system has none for this process (a container's bare uid). */
function machineUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
