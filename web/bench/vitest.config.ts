// Vitest as a runner for the TypeScript benchmarks (bench/*.run.ts): they use the real sync
// engine and the test world (TypeScript), which Node 20 cannot run directly.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.run.ts'],
    environment: 'node',
    setupFiles: ['fake-indexeddb/auto'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    disableConsoleIntercept: true,
  },
});
