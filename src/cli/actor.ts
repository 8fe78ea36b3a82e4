/**
 * Who a CLI run is recorded as started by: `--actor`, else the acting person as every front door
 * finds them (release/actor.ts). The ledger keeps it (ledger/actor.ts); an --actor it could not
 * keep as given is refused.
 */
import { ACTOR_MAX_LENGTH, storedActor } from '../ledger/actor.ts';
import { actingName } from '../release/actor.ts';
import { type Runtime, UsageError } from './runtime.ts';

/** The actor of a run started with `given` as --actor. */
export function runActor(given: string | undefined, runtime: Pick<Runtime, 'env'>): string {
  if (given !== undefined && storedActor(given) !== given) {
    throw new UsageError(
      `--actor: a name of 1 to ${ACTOR_MAX_LENGTH} characters without control characters or surrounding spaces`,
    );
  }
  return actingName(given, runtime.env);
}
