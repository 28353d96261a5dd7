// The date-flag rule (SPEC §4 "Dates"), for every command that takes --since/--until: a value without an
// offset is read in the --tz zone when --tz is given, else in UTC; --month YYYY-MM is that zone's calendar month.
import { describe, expect, it } from 'vitest';
import { monthPeriod, parseDateFlag, parseMonth } from '../../src/core/dates.js';
import { UsageError } from '../../src/core/errors.js';
import type { LedgerFilter } from '../../src/providers/shared/filter.js';
import { parseArgs, parseFailure } from '../helpers/in-process.js';

const now = new Date('2026-12-01T12:00:00Z');
const refusal = (argv: string[]) => parseFailure(argv, { now });
const usage = (message: string, hint?: string) => ({ code: 2, stderr: `tally: ${message}\n${hint ? `  ${hint}\n` : ''}` });

/** The period a command line parses to, as ISO strings, whichever Options field holds it. */
async function periodOf(argv: string[]): Promise<{ since?: string; until?: string }> {
  const { options } = await parseArgs(argv, { now });
  const o = options as { filter?: LedgerFilter; since?: Date; until?: Date };
  const p = o.filter ?? o;
  return { since: p.since?.toISOString(), until: p.until?.toISOString() };
}

/** Every command whose flags are DATE_FLAGS. */
const DATED = [['ledger', 'list'], ['ledger', 'export'], ['usage'], ['reconcile']];

describe('a date flag without an offset is read in the --tz zone, else in UTC', () => {
  it.each(DATED)('%s %s reads --since 2026-03-01 --tz Europe/Berlin as Berlin midnight', async (...command) => {
    expect(await periodOf(['--tz', 'Europe/Berlin', ...command, '--since', '2026-03-01', '--until', '2026-03-01T10:00'])).toEqual({
      since: '2026-02-28T23:00:00.000Z',
      until: '2026-03-01T09:00:00.000Z',
    });
  });

  it('reads the same values in UTC without --tz, whatever the machine zone', async () => {
    expect(await periodOf(['ledger', 'list', '--since', '2026-03-01', '--until', '2026-03-01T10:00'])).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-01T10:00:00.000Z',
    });
  });

  it('leaves a value that carries Z or an offset as it is, whatever --tz says', async () => {
    expect(
      await periodOf(['--tz', 'Asia/Kolkata', 'ledger', 'list', '--since', '2026-03-01T10:00:00Z', '--until', '2026-03-02T10:00+02:00']),
    ).toEqual({ since: '2026-03-01T10:00:00.000Z', until: '2026-03-02T08:00:00.000Z' });
  });

  it('reads summer and winter times in a zone with daylight saving at their own offsets', () => {
    const ny = (text: string) => parseDateFlag(text, '--since', now, 'America/New_York').toISOString();
    expect(ny('2026-01-15T09:30')).toBe('2026-01-15T14:30:00.000Z');
    expect(ny('2026-07-15T09:30:15.250')).toBe('2026-07-15T13:30:15.250Z');
    expect(ny('2026-07-15')).toBe('2026-07-15T04:00:00.000Z');
  });

  it('reads a local time the clocks skip as the one after the gap, and one they repeat as the first', () => {
    const berlin = (text: string) => parseDateFlag(text, '--since', now, 'Europe/Berlin').toISOString();
    // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist; it is read as 03:30 CEST
    expect(berlin('2026-03-29T02:30')).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin('2026-03-29T03:00')).toBe('2026-03-29T01:00:00.000Z');
    // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice; the first (CEST) is taken
    expect(berlin('2026-10-25T02:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(berlin('2026-10-25T03:30')).toBe('2026-10-25T02:30:00.000Z');
  });

  it('reads a day in a zone east of UTC across the date line and in a half-hour zone', () => {
    expect(parseDateFlag('2026-01-01', '--since', now, 'Pacific/Kiritimati').toISOString()).toBe('2025-12-31T10:00:00.000Z');
    expect(parseDateFlag('2026-01-01', '--since', now, 'Asia/Kolkata').toISOString()).toBe('2025-12-31T18:30:00.000Z');
    expect(parseDateFlag('2026-01-01', '--since', now, 'UTC').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('still refuses a day the calendar does not have, in any zone', () => {
    expect(() => parseDateFlag('2026-02-30', '--since', now, 'Europe/Berlin')).toThrow(UsageError);
  });
});

describe('--month YYYY-MM is the calendar month in the --tz zone, else in UTC', () => {
  it.each(DATED)('%s %s takes --month 2026-11 as November in UTC', async (...command) => {
    expect(await periodOf([...command, '--month', '2026-11'])).toEqual({
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-12-01T00:00:00.000Z',
    });
  });

  it.each(DATED)('%s %s takes --month 2026-11 --tz Europe/Berlin from Berlin midnight to Berlin midnight', async (...command) => {
    expect(await periodOf(['--tz', 'Europe/Berlin', ...command, '--month', '2026-11'])).toEqual({
      since: '2026-10-31T23:00:00.000Z',
      until: '2026-11-30T23:00:00.000Z',
    });
  });

  it('runs a month across a change of the clocks from one local midnight to the next (October in Berlin: 31 days and an hour)', () => {
    expect(monthPeriod(parseMonth('2026-10'), 'Europe/Berlin')).toEqual({
      since: new Date('2026-09-30T22:00:00Z'),
      until: new Date('2026-10-31T23:00:00Z'),
    });
    expect(monthPeriod(parseMonth('2026-12'), 'UTC')).toEqual({
      since: new Date('2026-12-01T00:00:00Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it.each([
    ['2026-13', '--month "2026-13" is not a month: months run from 01 to 12'],
    ['2026-00', '--month "2026-00" is not a month: months run from 01 to 12'],
    ['2026-1', '--month "2026-1" is not a month'],
    ['26-11', '--month "26-11" is not a month'],
    ['2026-11-01', '--month "2026-11-01" is not a month'],
    ['november', '--month "november" is not a month'],
    ['', '--month "" is not a month'],
  ])('refuses --month %j with exit 2', async (value, message) => {
    expect(await refusal(['ledger', 'list', '--month', value])).toEqual(usage(message, 'give a year and a month, such as --month 2026-11'));
  });

  it.each([
    ['--since', '2026-11-01'],
    ['--until', '2026-12-01'],
  ])('refuses --month with %s (exit 2)', async (flag, value) => {
    expect(await refusal(['ledger', 'export', '--month', '2026-11', flag, value])).toEqual(
      usage('--month is a whole period; it does not go with --since or --until', 'use --month 2026-11, or --since and --until'),
    );
  });
});
