/**
 * What is live: the one rule every front door asks (the CLI's status, deploy and rollback, the
 * Action, the bot's replies, /rollback and a bad verdict's rollbacks, the track planner).
 *
 * The live version of a service in an environment is the version of its newest successful
 * deployment there, whoever made it (a CLI run, an Action run, a release the bot admitted or
 * saw on GitHub); none before the first success. A failed deploy changes nothing: the engine
 * put the targets back, and the version that succeeded before stays live.
 */

/** One successful deployment of a service to an environment, from whichever record kept it. */
export interface Success {
  version: string;
  /** The commit deployed; null when the record does not say. */
  commit: string | null;
  /** When it succeeded (epoch ms): the order the rule goes by. */
  at: number;
  /** Who asked for it, when the record says (the bot's releases do); for reports only. */
  by?: string | null | undefined;
}

/**
 * Where successful deployments are remembered (the ledger's runs, the bot's releases, GitHub's
 * deployments). A source may leave out successes older than one it returns for the same
 * environment only when the rule's callers need nothing older (see GitHub's, which stops at the
 * newest).
 */
export interface DeploymentHistory {
  /** The service's successful deployments to the environment, newest first as the record knows them. */
  successes(service: string, environment: string): Promise<Success[]>;
}

/** Newest first by when they succeeded; successes at the same moment keep the order they came in. */
export function newestFirst<S extends Success>(successes: readonly S[]): S[] {
  return successes.toSorted((a, b) => b.at - a.at);
}

/** The live deployment among `successes`: the newest; null when there is none. */
export function liveOf<S extends Success>(successes: readonly S[]): S | null {
  return newestFirst(successes)[0] ?? null;
}

/** The environment's live version (see the rule above); null before the first success. */
export async function liveVersion(
  history: DeploymentHistory,
  service: string,
  environment: string,
): Promise<string | null> {
  return liveOf(await history.successes(service, environment))?.version ?? null;
}

/** The environments, of those given, where `version` of `service` is live. */
export async function environmentsRunning(
  history: DeploymentHistory,
  request: { service: string; environments: readonly string[]; version: string },
): Promise<string[]> {
  const running: string[] = [];
  for (const environment of request.environments) {
    if ((await liveVersion(history, request.service, environment)) === request.version)
      running.push(environment);
  }
  return running;
}

/** Several histories read as one: the bot's releases and the runs of CLI and Action deploys. */
export function combinedHistory(...histories: DeploymentHistory[]): DeploymentHistory {
  return {
    async successes(service, environment) {
      const all = await Promise.all(histories.map((h) => h.successes(service, environment)));
      return all.flat();
    },
  };
}
