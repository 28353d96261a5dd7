// Did-you-mean: the closest known word within reach, or none.
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/core/suggest.js';

describe('did you mean', () => {
  it('counts an insertion, a deletion, a change and a swap of neighbours as one edit each', () => {
    expect(editDistance('growth', 'growth')).toBe(0);
    expect(editDistance('grwoth', 'growth')).toBe(1);
    expect(editDistance('growt', 'growth')).toBe(1);
    expect(editDistance('growthh', 'growth')).toBe(1);
    expect(editDistance('grawth', 'growth')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('offers the nearest word within a third of the typed length, case aside', () => {
    expect(closest('grwoth', ['starter', 'growth', 'scale'])).toBe('growth');
    expect(closest('SCALE', ['starter', 'growth', 'scale'])).toBe('scale');
    expect(closest('exit-code', ['options', 'exit-codes', 'environment'])).toBe('exit-codes');
    expect(closest('enviroment', ['options', 'exit-codes', 'environment'])).toBe('environment');
  });

  it('offers nothing when no word is near enough to be what was meant', () => {
    expect(closest('nope', ['options', 'exit-codes', 'environment'])).toBeUndefined();
    expect(closest('xyz', ['starter', 'growth'])).toBeUndefined();
    expect(closest('ab', ['ba', 'cd'])).toBe('ba');
  });

  it('prefers the nearer of two candidates in reach', () => {
    expect(closest('scalle', ['scales', 'scale'])).toBe('scale');
  });
});
