/**
 * Who is acting: the person a run, a deploy lock, a verdict override, a track hold, a dashboard
 * action or a notice names. One order for every front door that asks (the CLI and its dashboard):
 *
 * 1. the name given on the command line (`--actor`, `--by`), as given: each command checks its own;
 * 2. TRANCHE_ACTOR;
 * 3. GITHUB_ACTOR (the workflow's actor, when the CLI runs in GitHub Actions);
 * 4. USER, then LOGNAME;
 * 5. the operating system's user name;
 * 6. `unknown`.
 *
 * A name from the environment or the system is kept as the ledger keeps it (ledger/actor.ts):
 * without control characters, trimmed, bounded; a blank one is passed over.
 */
import { userInfo } from 'node:os';
import { storedActor } from '../ledger/actor.ts';

/** The name when nothing names anyone. */
export const UNKNOWN_ACTOR = 'unknown';

const VARIABLES = ['TRANCHE_ACTOR', 'GITHUB_ACTOR', 'USER', 'LOGNAME'] as const;

/** The acting person: `given` (the command's explicit name) when there is one, else the first name the order above finds. */
export function actingName(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  systemUser: () => string | undefined = osUserName,
): string {
  if (given !== undefined) return given;
  for (const name of VARIABLES) {
    const kept = storedActor(env[name]);
    if (kept !== null) return kept;
  }
  return storedActor(systemUser()) ?? UNKNOWN_ACTOR;
}

/** The OS user name; undefined where the system has none for this process (a container's bare uid). */
function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
