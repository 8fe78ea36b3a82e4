/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run, its URL handed to tests
 * through provide('postgres'), stopped and deleted after the last test file, pass or fail. In CI
 * a missing or broken PostgreSQL fails the run; elsewhere the PostgreSQL suites are skipped.
 */
import type { TestProject } from 'vitest/node';
import { isCi } from '../../src/render/progress.ts';
import { startCluster } from './postgres-cluster.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const cluster = await startCluster();
    project.provide('postgres', { url: cluster.url, reason: null });
    return () => cluster.stop();
  } catch (error) {
    if (isCi(process.env.CI)) {
      throw new Error('CI needs PostgreSQL for the ledger suites, and it could not be started', {
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`\nSkipping the PostgreSQL suites: ${reason}\n(with CI=true this is an error)\n`);
    project.provide('postgres', { url: null, reason });
    return async () => undefined;
  }
}
