/**
 * Where a bad version runs, and what each of those environments goes back to: its last good
 * version, the newest one that succeeded there and whose standing verdict is not bad.
 */

import type { HandlerScope } from '../bot-scope.ts';
import type { VersionTarget } from '../releases/versions.ts';

/** Successful releases of an environment looked at, newest deployment first. */
const GOOD_RELEASES = 50;

/** The environments (of tranche.yml) whose live release runs `version`. */
export async function environmentsRunning(
  scope: HandlerScope,
  environments: string[],
  version: string,
): Promise<string[]> {
  const running: string[] = [];
  for (const environment of environments) {
    const [live] = await scope.deps.ledger.releases({
      repo: scope.fullName,
      environment,
      states: ['success'],
      succeeded: true,
      limit: 1,
    });
    if (live?.version === version) running.push(environment);
  }
  return running;
}

/** The environment's last good version other than `bad`; undefined when it never had one. */
export async function lastGoodVersion(
  scope: HandlerScope,
  environment: string,
  bad: ReadonlySet<string>,
): Promise<VersionTarget | undefined> {
  const succeeded = await scope.deps.ledger.releases({
    repo: scope.fullName,
    environment,
    succeeded: true,
    limit: GOOD_RELEASES,
  });
  const good = succeeded.find((r) => r.version !== null && r.commit !== null && !bad.has(r.version));
  return good?.version && good.commit ? { version: good.version, commit: good.commit } : undefined;
}
