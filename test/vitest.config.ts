import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/postgres-setup.ts'],
    // Vitest's default leaves a core free: one file at a time on a 2-core CI runner. Most files
    // wait on processes, servers and sockets, so two at once at least; the tests hold on a
    // loaded machine (npm run test:under-load).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // GitHub's workflow parser imports its JSON schemas without import attributes: let Vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
