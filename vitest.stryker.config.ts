// The tests Stryker runs against each mutant: the unit tests, in process and fast. The e2e tests run the
// built dist/ and can never kill one; the conformance suite does cover the core in process, but reads whole
// sandbox ledgers for every mutant of Decimal (hours on this machine), so the core is held by unit tests.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: { ...base.test, include: ['test/unit/**/*.test.ts'] },
});
