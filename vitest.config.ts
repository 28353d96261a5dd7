import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the e2e tests run dist/: built once here, so no way of running a test runs stale code
    globalSetup: ['test/helpers/build.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // an e2e file spends most of its time waiting on a tally it started (or on a server that is slow on
    // purpose), not in its worker: vitest's default of one worker per core but one leaves a core idle then
    maxWorkers: availableParallelism() + 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // UTC unless the outer environment names a zone: CI runs the suite again under TZ=Asia/Kolkata
    env: { TZ: process.env.TZ || 'UTC', NO_COLOR: '1' },
  },
});
