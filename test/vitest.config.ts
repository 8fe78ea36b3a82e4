import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/postgres-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // GitHub's workflow parser imports its JSON schemas without import attributes: let Vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
