import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the e2e tests run dist/: built once here, so no way of running a test runs stale code
    globalSetup: ['test/helpers/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // UTC unless the outer environment names a zone: CI runs the suite again under TZ=Asia/Kolkata
    env: { TZ: process.env.TZ || 'UTC', NO_COLOR: '1' },
  },
});
