import { chosenCommit, inspectWorkTree } from '../git.ts';
import { type CommonOptions, loadProject, withLedger } from '../project.ts';
import type { Runtime } from '../runtime.ts';

export interface VersionNextOptions extends CommonOptions {
  commit?: string | undefined;
}

/** Allocate the service's next version atomically and print it. */
export async function versionNextCommand(options: VersionNextOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const { service, version: template } = project.loaded.config;
  const commit = await chosenCommit(project.dir, options.commit, await inspectWorkTree(project.dir));
  const record = await withLedger(options, runtime, project.dir, (ledger) =>
    ledger.nextVersion(service, commit, template, Date.now()),
  );
  runtime.stdout.write(options.json ? `${JSON.stringify(record)}\n` : `${record.version}\n`);
  return 0;
}
