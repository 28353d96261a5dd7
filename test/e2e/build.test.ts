// The e2e tests run dist/, so dist/ must be what the source compiles to today (test/helpers/build.ts).
import { describe, expect, it } from 'vitest';
import { compiledFiles, staleFiles } from '../helpers/build.js';

describe('the code under test', () => {
  it('is built from today’s source: no compiled file is missing or older than its source file', () => {
    expect(compiledFiles().length).toBeGreaterThan(10);
    expect(staleFiles()).toEqual([]);
  });
});
