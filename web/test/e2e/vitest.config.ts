// Vitest configuration of the end-to-end test (npm run e2e): Chromium through playwright-core
// against the real server serving web/dist. One file at a time, long timeouts.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    disableConsoleIntercept: true,
  },
});
