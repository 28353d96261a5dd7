// The progress line's text: counts with separators, the total and an ETA where known, retries, and its fit.
import { describe, expect, it } from 'vitest';
import { eta, fitProgress, progressText, type ProgressState, seconds } from '../../src/output/progress.js';

const state = (over: Partial<ProgressState>): ProgressState => ({ verb: 'reconciling', done: 0, noun: 'entries', elapsedMs: 0, ...over });

describe('the progress line', () => {
  it('is the verb alone before anything is read', () => {
    expect(progressText(state({}))).toBe('reconciling…');
  });

  it('counts with en-US thousands separators, and a rate once a second has passed', () => {
    expect(progressText(state({ done: 12_345, elapsedMs: 500 }))).toBe('reconciling… 12,345 entries');
    expect(progressText(state({ done: 12_345, elapsedMs: 3000 }))).toBe('reconciling… 12,345 entries (4,115/s)');
  });

  it('shows the total and the time left at the rate so far where the provider reports a total', () => {
    expect(progressText(state({ done: 12_345, total: 50_000, elapsedMs: 3000 }))).toBe(
      'reconciling… 12,345 of 50,000 entries (4,115/s, about 10 s left)',
    );
    expect(progressText(state({ done: 1000, total: 1_000_000, elapsedMs: 1000 }))).toBe(
      'reconciling… 1,000 of 1,000,000 entries (1,000/s, about 17 min left)',
    );
    expect(progressText(state({ done: 50_000, total: 50_000, elapsedMs: 3000 }))).toBe('reconciling… 50,000 of 50,000 entries (16,667/s)');
  });

  it('puts a count of profiles first, and a retry last', () => {
    const retry = { reason: '503', delayMs: 2130, attempt: 1, retries: 4 };
    expect(progressText(state({ verb: 'reading balances', step: '2 of 5 profiles' }))).toBe('reading balances… 2 of 5 profiles');
    expect(progressText(state({ step: '1 of 3 profiles', done: 400, retry }))).toBe(
      'reconciling… 1 of 3 profiles, 400 entries · 503, retrying in 2.1 s (retry 1 of 4)',
    );
  });

  it('fits its width by leaving out the rate, then which retry, then by cutting', () => {
    const s = state({ done: 12_345, total: 50_000, elapsedMs: 3000, retry: { reason: '503', delayMs: 2000, attempt: 2, retries: 4 } });
    expect(fitProgress(s, 200)).toBe(
      'reconciling… 12,345 of 50,000 entries (4,115/s, about 10 s left) · 503, retrying in 2 s (retry 2 of 4)',
    );
    expect(fitProgress(s, 77)).toBe('reconciling… 12,345 of 50,000 entries · 503, retrying in 2 s (retry 2 of 4)');
    expect(fitProgress(s, 60)).toBe('reconciling… 12,345 of 50,000 entries · 503, retrying in 2 s');
    expect(fitProgress(s, 20)).toBe('reconciling… 12,345…');
  });
});

describe('durations for people', () => {
  it('gives a wait in seconds, with a tenth below ten', () => {
    expect([seconds(500), seconds(2000), seconds(2130), seconds(12_400)]).toEqual(['0.5 s', '2 s', '2.1 s', '12 s']);
  });

  it('gives time left as roughly as it is known', () => {
    expect([eta(200), eta(9000), eta(59_000), eta(150_000), eta(4_800_000)]).toEqual(['1 s', '9 s', '59 s', '3 min', '1 h 20 min']);
  });
});
