import type { CommonOptions } from '../project.ts';

/** `tranche deploy`'s options. */
export interface DeployOptions extends CommonOptions {
  version?: string | undefined;
  commit?: string | undefined;
  allowDirty?: boolean | undefined;
  /** owner/repo: report to GitHub (check run, deployment statuses) with GITHUB_TOKEN. */
  github?: string | undefined;
  /** Who starts the run (actor.ts has the default). */
  actor?: string | undefined;
}
