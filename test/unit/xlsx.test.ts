// The xlsx writer's own arithmetic: wall times in a zone across its offset changes, and which amounts a double holds exactly.
import { describe, expect, it } from 'vitest';
import { significantDigits, ZoneClock } from '../../src/output/xlsx.js';
import { intlWallTime } from '../helpers/ledger.js';

/** The wall time as Intl gives it, for every instant on its own: what the day-long remembering must agree with. */
const intlWallTimeZ = (ms: number, zone: string) => `${intlWallTime(ms, zone)}Z`;

describe('wall times in a zone', () => {
  it.each([
    ['Europe/Berlin', '2026-03-28T12:00:00.250Z'],
    ['Europe/Berlin', '2026-10-24T12:00:00.999Z'],
    ['America/New_York', '2026-11-01T00:00:00.000Z'],
    // half-hour shifts, at 15:00 and 15:30 UTC
    ['Australia/Lord_Howe', '2026-04-04T12:00:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-03T12:00:00.000Z'],
    ['Asia/Kolkata', '2026-06-01T00:00:00.000Z'],
  ])('agree with Intl every 7 minutes for two days across %s %s', (zone, from) => {
    const clock = new ZoneClock(zone);
    const start = Date.parse(from);
    for (let ms = start; ms < start + 2 * 86_400_000; ms += 7 * 60_000 + 1) {
      expect(clock.wallTime(new Date(ms).toISOString()).toISOString(), new Date(ms).toISOString()).toBe(intlWallTimeZ(ms, zone));
    }
  });

  it('leaves UTC times as they are', () => {
    expect(new ZoneClock('UTC').wallTime('2026-10-31T23:36:08.705Z').toISOString()).toBe('2026-10-31T23:36:08.705Z');
  });
});

describe('significant digits of an amount', () => {
  it.each([
    ['0.00', 0],
    ['-0.0250', 3],
    ['12.50', 4],
    ['9999999999999.99', 15],
    ['10000000000000.00', 16],
    ['999999999999999', 15],
  ])('%s has %i', (text, n) => {
    expect(significantDigits(text)).toBe(n);
  });
});
