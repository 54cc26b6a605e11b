import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Test files share their worker's modules instead of importing them afresh (about a third of
    // the suite's CPU went to imports). Tests keep no state in modules: each opens and closes its
    // own brokers, servers, files and processes, and restores what it changes (process.env).
    isolate: false,
    // A test file per core. Vitest's default leaves one core to its main process, which on a
    // 2-core machine (CI) ran the files one after the other: most of them drive one simulation
    // at a time, so the second core idled but for the children some tests start. Two workers on
    // 2 cores (AMD EPYC, 2026-12-06): 790 -> 439 s of vitest, 976 -> 808 s of CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    // LORASWARM_TEST_CPU=DIR: each test's CPU seconds, children included, into DIR (test/helpers/test-cpu.ts).
    setupFiles: process.env.LORASWARM_TEST_CPU ? ['test/helpers/test-cpu.ts'] : [],
    hookTimeout: 60_000,
  },
});
