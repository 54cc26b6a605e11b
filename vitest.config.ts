import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Test files share their worker's modules instead of importing them afresh (about a third of
    // the suite's CPU went to imports). Tests keep no state in modules: each opens and closes its
    // own brokers, servers, files and processes, and restores what it changes (process.env).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
