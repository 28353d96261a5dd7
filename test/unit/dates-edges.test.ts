// Dates at their edges: every form a date flag takes, timestamps with and without fractions, zones and ranges.
import { describe, expect, it } from 'vitest';
import { assertRange, formatInZone, parseDateFlag, resolveZone, toIsoUtc } from '../../src/core/dates.js';
import { UsageError } from '../../src/core/errors.js';

const now = new Date('2026-11-23T12:00:00Z');
const flag = (text: string) => parseDateFlag(text, '--since', now).toISOString();

/** What a refused date flag throws: message and hint. */
function refusal(text: string): { message: string; suggestion: string | undefined } {
  try {
    parseDateFlag(text, '--until', now);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return { message: (error as UsageError).message, suggestion: (error as UsageError).suggestion };
  }
  throw new Error(`${text} was accepted`);
}

describe('date flags at their edges', () => {
  it('counts minutes, hours, days and weeks back from now', () => {
    expect(flag('30min')).toBe('2026-11-23T11:30:00.000Z');
    expect(flag('1h')).toBe('2026-11-23T11:00:00.000Z');
    expect(flag('2d')).toBe('2026-11-21T12:00:00.000Z');
    expect(flag('2w')).toBe('2026-11-09T12:00:00.000Z');
    expect(flag('0d')).toBe('2026-11-23T12:00:00.000Z');
    expect(flag(' 7d ')).toBe('2026-11-16T12:00:00.000Z');
  });

  it('reads a time without seconds, with a fraction, with a lower-case zone and with an offset without a colon', () => {
    expect(flag('2026-03-01T10:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(flag('2026-03-01T10:00:00.250')).toBe('2026-03-01T10:00:00.250Z');
    expect(flag('2026-03-01T10:00:00.123456789Z')).toBe('2026-03-01T10:00:00.123Z');
    expect(flag('2026-03-01t10:00:00z')).toBe('2026-03-01T10:00:00.000Z');
    expect(flag('2026-03-01T10:00:00+0200')).toBe('2026-03-01T08:00:00.000Z');
    expect(flag('2026-03-01T10:00:00-05:30')).toBe('2026-03-01T15:30:00.000Z');
  });

  it('takes the last day of every month and no day after it', () => {
    expect(flag('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(flag('2026-02-28')).toBe('2026-02-28T00:00:00.000Z');
    expect(flag('2026-04-30T23:59:59Z')).toBe('2026-04-30T23:59:59.000Z');
    expect(flag('2026-12-31')).toBe('2026-12-31T00:00:00.000Z');
    expect(flag('2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(flag('2026-01-01')).toBe('2026-01-01T00:00:00.000Z');
    for (const text of ['2026-02-29', '2026-04-31', '2026-01-32', '2026-01-00', '2026-00-01', '2026-13-01', '2026-04-31T10:00:00Z']) {
      expect(refusal(text).message).toBe(`--until "${text}" is not a date`);
    }
  });

  it('reads years below 100 as written, not as 1900–1999', () => {
    // year 0 is a leap year; 1900, which Date.UTC would read it as, is not
    expect(flag('0000-02-29')).toBe('0000-02-29T00:00:00.000Z');
    expect(flag('0000-02-29T12:00:00Z')).toBe('0000-02-29T12:00:00.000Z');
  });

  it('refuses other spans, words and malformed times, naming the flag and the forms it takes', () => {
    // 7y and 7M: 'months and years written out' below
    for (const text of [
      '7',
      'd',
      '7mins',
      '-7d',
      '7 d',
      'tomorrow',
      '2026-3-1',
      '2026-03-01T1000',
      '2026-03-01T10:00:00.1234567890Z',
      '2026-03-01T10:00:00+2',
    ]) {
      expect(refusal(text)).toEqual({
        message: `--until "${text}" is not a date`,
        suggestion: 'use a day (2026-03-01), a UTC time (2026-03-01T10:00:00Z) or a span back from now: 30min, 12h, 7d, 2w',
      });
    }
  });
});

describe('an ambiguous unit', () => {
  it('refuses m, which is minutes to some and months to others, and offers both readings', () => {
    expect(refusal('1m')).toEqual({
      message: '--until "1m" is ambiguous: m could be minutes or months',
      suggestion: 'write 1min for one minute, or 30d or a day (2026-10-23) for about one month',
    });
    expect(refusal('18m')).toEqual({
      message: '--until "18m" is ambiguous: m could be minutes or months',
      suggestion: 'write 18min for 18 minutes, or 540d or a day (2025-05-23) for about 18 months',
    });
  });

  it('suggests the last day of a shorter month, never a day that rolls over', () => {
    expect(() => parseDateFlag('1m', '--since', new Date('2026-03-31T08:00:00Z'))).toThrow(
      expect.objectContaining({ suggestion: 'write 1min for one minute, or 30d or a day (2026-02-28) for about one month' }),
    );
  });
});

describe('months and years written out', () => {
  it('refuses a month span (1M, 2mo, 3months) and suggests the days or the day it probably meant', () => {
    expect(refusal('1M')).toEqual({
      message: '--until "1M" is not a date: tally counts spans in min, h, d and w',
      suggestion: 'write 30d or a day (2026-10-23) for about one month',
    });
    expect(refusal('2mo').suggestion).toBe('write 60d or a day (2026-09-23) for about two months');
    expect(refusal('3 months').suggestion).toBe('write 90d or a day (2026-08-23) for about three months');
    expect(refusal('1month').suggestion).toBe('write 30d or a day (2026-10-23) for about one month');
  });

  it('refuses a year span (1y, 2years) and suggests the days or the day it probably meant', () => {
    expect(refusal('1y')).toEqual({
      message: '--until "1y" is not a date: tally counts spans in min, h, d and w',
      suggestion: 'write 365d or a day (2025-11-23) for about one year',
    });
    expect(refusal('2 years').suggestion).toBe('write 730d or a day (2024-11-23) for about two years');
  });
});

describe('a span too far back', () => {
  it('refuses a span that reaches past the first date there is, as a usage error, not an internal one', () => {
    expect(refusal('1000000000d')).toEqual({
      message: '--until "1000000000d" reaches back past any date',
      suggestion: 'use a day (2026-03-01), a UTC time (2026-03-01T10:00:00Z) or a span back from now: 30min, 12h, 7d, 2w',
    });
    expect(refusal('99999999999999999999999w').message).toBe('--until "99999999999999999999999w" reaches back past any date');
  });

  it('refuses an ambiguous m too large for any month with the same message as a small one', () => {
    expect(refusal('99999999999m').message).toBe('--until "99999999999m" is ambiguous: m could be minutes or months');
  });
});

describe('provider timestamps at their edges', () => {
  it.each([
    ['2026-05-21T14:08:11.12Z', '2026-05-21T14:08:11.120Z'],
    ['2026-05-21T14:08:11.1234Z', '2026-05-21T14:08:11.123Z'],
    ['2026-05-21T14:08:11-01:00', '2026-05-21T15:08:11.000Z'],
    ['2026-01-31T00:00:00.000Z', '2026-01-31T00:00:00.000Z'],
    ['2024-02-29T10:00:00.000Z', '2024-02-29T10:00:00.000Z'],
    ['2026-05-28T10:00:00.000Z', '2026-05-28T10:00:00.000Z'],
    ['Thu, 21 May 2026 14:08:11 GMT', '2026-05-21T14:08:11.000Z'],
  ])('normalises %j to ISO UTC with milliseconds', (text, iso) => {
    expect(toIsoUtc(text)).toBe(iso);
  });

  it.each([
    '2026-02-29T10:00:00.000Z',
    '2026-02-30T10:00:00Z',
    '2026-11-31T10:00:00.5Z',
    '2026-05-21T14:08:61Z',
    'not a timestamp at all!!',
    // a month is no instant an entry was made at
    '2026-05',
  ])('refuses %j', (text) => {
    expect(toIsoUtc(text)).toBeNull();
  });
});

describe('zones', () => {
  it('keeps a zone as the user spelled it, and the system zone without --tz', () => {
    expect(resolveZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(resolveZone(undefined)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('refuses a zone Intl does not know, naming it', () => {
    let thrown: unknown;
    try {
      resolveZone('Mars/Olympus');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe('--tz "Mars/Olympus" is not a time zone');
    expect((thrown as UsageError).suggestion).toBe('give an IANA zone such as UTC, Europe/Paris or America/New_York');
  });

  it('shows an instant in a zone on a 24-hour clock, each zone with its own offset', () => {
    expect(formatInZone('2026-03-09T15:32:07.000Z', 'UTC')).toBe('2026-03-09 15:32:07');
    expect(formatInZone('2026-03-09T15:32:07.000Z', 'Europe/Paris')).toBe('2026-03-09 16:32:07');
    expect(formatInZone('2026-03-09T23:05:00.000Z', 'Asia/Kolkata')).toBe('2026-03-10 04:35:00');
    expect(formatInZone('2026-03-09T00:00:00.000Z', 'UTC')).toBe('2026-03-09 00:00:00');
    expect(formatInZone('2026-03-09T15:32:07.000Z', 'Europe/Paris')).toBe('2026-03-09 16:32:07');
  });
});

describe('ranges', () => {
  it('refuses --since at or after --until, naming both, and takes an open or ordered range', () => {
    const a = new Date('2026-03-01T00:00:00Z');
    const b = new Date('2026-03-02T00:00:00Z');
    expect(() => assertRange(a, a)).toThrow(
      new UsageError('--since (2026-03-01T00:00:00.000Z) must be before --until (2026-03-01T00:00:00.000Z)'),
    );
    expect(() => assertRange(b, a)).toThrow(/must be before --until/);
    expect(() => assertRange(a, b)).not.toThrow();
    expect(() => assertRange(undefined, a)).not.toThrow();
    expect(() => assertRange(a, undefined)).not.toThrow();
  });
});

describe('timestamps and flags in every form they come in', () => {
  it.each([
    ['2026-05-21 14:08:11', '2026-05-21T14:08:11.000Z'],
    ['2026-05-21T14:08:11', '2026-05-21T14:08:11.000Z'],
    ['2026-05-21t14:08:11.5', '2026-05-21T14:08:11.500Z'],
    ['2026-05-21 14:08', '2026-05-21T14:08:00.000Z'],
    ['2026-05-21 14:08:11.123456', '2026-05-21T14:08:11.123Z'],
    ['2026-05-21', '2026-05-21T00:00:00.000Z'],
    ['2026-05-21T14:08:11.1Z', '2026-05-21T14:08:11.100Z'],
    ['2026-05-21T14:08:11Z', '2026-05-21T14:08:11.000Z'],
    ['2026-05-21T14:08:11.123Z', '2026-05-21T14:08:11.123Z'],
    ['2026-05-21T14:08:11+02:00', '2026-05-21T12:08:11.000Z'],
    ['2026-05-21 14:08:11 +02:00', '2026-05-21T12:08:11.000Z'],
    ['Thu, 21 May 2026 14:08:11 +0200', '2026-05-21T12:08:11.000Z'],
    ['Thu May 21 2026 14:08:11 GMT+0200 (Central European Summer Time)', '2026-05-21T12:08:11.000Z'],
    ['May 21 2026 14:08:11 EDT', '2026-05-21T18:08:11.000Z'],
    ['May 21 2026 14:08:11 PST', '2026-05-21T22:08:11.000Z'],
    ['May 21, 2026 14:08:11 UTC', '2026-05-21T14:08:11.000Z'],
    ['May 21 2026 14:08:11 UT', '2026-05-21T14:08:11.000Z'],
    ['May 21 2026 14:08:11 utc', '2026-05-21T14:08:11.000Z'],
    ['Thu May 21 2026 14:08:11 GMT+0200(CEST)', '2026-05-21T12:08:11.000Z'],
    ['Thu May 21 2026 14:08:11 GMT+0200  (CEST)', '2026-05-21T12:08:11.000Z'],
    // a day with one digit is no YYYY-MM-DD: Date.parse reads it, with the zone it names
    ['2026-05-1 10:00 GMT', '2026-05-01T10:00:00.000Z'],
    ['Sun, 29 Feb 2032 10:00:00 GMT', '2032-02-29T10:00:00.000Z'],
    ['2026/5/31 10:00 GMT', '2026-05-31T10:00:00.000Z'],
  ])('reads %j as %s whatever the machine zone', (text, iso) => {
    expect(toIsoUtc(text)).toBe(iso);
  });

  it.each([
    // a form Date.parse would read in the machine's zone
    'Thu, 21 May 2026 14:08:11',
    'May 21 2026 14:08:11',
    '2026-02-30 10:00:00',
    '2026-02-29',
    '2026-05-21 25:00:00',
    '2026-05-21T14:08:11.000+01:00x',
    'x2026-05-21T14:08:11.000Z',
    '2026-05-21T14:08:11.000Zx',
    'x2026-05-21 14:08:11',
    '2026-05-21 14:08:11 junk',
    '21-May-2026 14:08:11',
    // Date.parse reads this as June 21
    'Thu, 21 May 2026 14:08:11 GMT junk',
    // Date.parse rolls each of these over into the next month
    '2026/02-30 10:00 GMT',
    '2026/2/30 10:00 GMT',
    'Mon, 30 Feb 2026 10:00:00 GMT',
    'Feb 30 2026 10:00:00 GMT',
    'Feb 29, 2026 10:00:00 UTC',
    // a form whose day cannot be checked
    'Sunday 21 of May 2026 14:08:11 GMT',
  ])('refuses %j', (text) => {
    expect(toIsoUtc(text)).toBeNull();
  });

  it('reads the last day of every month by its name, and refuses the day after it, in both orders', () => {
    const last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const read = names.flatMap((name, i) => {
      const iso = `2026-${String(i + 1).padStart(2, '0')}-${last[i]}T10:00:00.000Z`;
      return [
        [toIsoUtc(`${last[i]} ${name} 2026 10:00:00 GMT`), iso],
        [toIsoUtc(`${name} ${last[i]}, 2026 10:00:00 GMT`), iso],
        [toIsoUtc(`${(last[i] as number) + 1} ${name} 2026 10:00:00 GMT`), null],
        [toIsoUtc(`${name} ${(last[i] as number) + 1} 2026 10:00:00 GMT`), null],
      ];
    });
    expect(read.map(([got]) => got)).toEqual(read.map(([, want]) => want));
  });

  it('refuses a numbered month outside 1 to 12 and a day 0, reading the twelfth month', () => {
    expect(toIsoUtc('2026/12/31 10:00 GMT')).toBe('2026-12-31T10:00:00.000Z');
    expect(toIsoUtc('2026/1/1 10:00 GMT')).toBe('2026-01-01T10:00:00.000Z');
    for (const text of ['2026/13/01 10:00 GMT', '2026/0/10 10:00 GMT', '2026/5/0 10:00 GMT', '0 May 2026 10:00 GMT']) {
      expect(toIsoUtc(text), text).toBeNull();
    }
  });

  it('refuses a flag with text before or after a day, a time or a span, and a time out of range', () => {
    for (const text of ['x2026-03-01', '2026-03-01x', '7dx', 'x7d', '2026-03-01T25:00:00Z', '2026-03-01T10:60', '2026-03-01T10:00:00Zx']) {
      expect(refusal(text).message, text).toBe(`--until "${text}" is not a date`);
    }
  });

  it('reads a time with an offset as that offset, and one without as UTC, under any machine zone', () => {
    expect(flag('2026-03-01T10:00:00+05:30')).toBe('2026-03-01T04:30:00.000Z');
    expect(flag('2026-03-01T10:00:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(flag('2026-03-01T10:00:00Z')).toBe('2026-03-01T10:00:00.000Z');
  });
});
