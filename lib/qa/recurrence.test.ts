import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRrule, occurrenceStarts, parseRrule, type Recurrence, startProblem } from './recurrence.ts';
import { DAY_MS, formatWib, parseDuration, parseInstant } from './time.ts';

const H = 3_600_000;
const rule = (text: string): Recurrence => {
  const parsed = parseRrule(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
};
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

describe('times typed by people (WIB unless a zone is given)', () => {
  it('reads a zoneless time as Depok time and keeps an explicit zone', () => {
    expect(parseInstant('2026-12-01T09:00')).toBe(Date.parse('2026-12-01T02:00:00Z'));
    expect(parseInstant('2026-12-01')).toBe(Date.parse('2026-11-30T17:00:00Z'));
    expect(parseInstant('2026-12-01T09:00:00Z')).toBe(Date.parse('2026-12-01T09:00:00Z'));
    expect(parseInstant('2026-12-01T09:00+08:00')).toBe(Date.parse('2026-12-01T01:00:00Z'));
    expect(parseInstant('1796090400000')).toBe(1796090400000);
  });
  it('refuses what is not a time, and dates that do not exist', () => {
    for (const bad of ['', 'tomorrow', '2026-02-30T09:00', '2026-13-01', '2026-12-01T25:00', '01/12/2026'])
      expect(parseInstant(bad), bad).toBeUndefined();
  });
  it('formats in WIB and reads durations', () => {
    expect(formatWib(Date.parse('2026-11-30T17:00:00Z'))).toBe('2026-12-01 00:00 WIB');
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('2d')).toBe(2 * DAY_MS);
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('90')).toBeUndefined();
  });
});

describe('RRULE subset', () => {
  it('parses and formats back canonically', () => {
    const r = rule('rrule:freq=weekly;byday=th,tu;interval=2;until=20261231');
    expect(r).toEqual({
      freq: 'WEEKLY',
      interval: 2,
      byDay: ['TU', 'TH'],
      // The end of 31 December in Depok: 16:59:59.999 UTC.
      until: Date.parse('2026-12-31T16:59:59.999Z'),
    });
    expect(formatRrule(r)).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231T165959Z');
    expect(rule(formatRrule(r)).until).toBe(Date.parse('2026-12-31T16:59:59Z'));
    expect(rule('FREQ=DAILY;UNTIL=20261201T090000').until).toBe(Date.parse('2026-12-01T02:00:00Z'));
  });

  it('refuses what it does not support, by name', () => {
    const problems: [string, RegExp][] = [
      ['', /empty/],
      ['FREQ=YEARLY', /FREQ must be/],
      ['FREQ=WEEKLY;BYHOUR=9', /BYHOUR is not supported/],
      ['FREQ=DAILY;BYDAY=MO', /BYDAY is supported with FREQ=WEEKLY only/],
      ['FREQ=WEEKLY;BYDAY=1MO', /no ordinals/],
      ['FREQ=MONTHLY;BYMONTHDAY=32', /1\.\.31/],
      ['FREQ=DAILY;COUNT=3;UNTIL=20270101', /exclude each other/],
      ['FREQ=DAILY;INTERVAL=0', /INTERVAL/],
      ['FREQ=DAILY;FREQ=WEEKLY', /twice/],
      ['FREQ=DAILY;UNTIL=20260230', /UNTIL must be/],
      ['FREQ', /NAME=VALUE/],
    ];
    for (const [text, problem] of problems) {
      const parsed = parseRrule(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.problem, text).toMatch(problem);
    }
  });

  it('wants DTSTART to be the first occurrence', () => {
    const tuesday = Date.parse('2026-12-01T09:00:00+07:00');
    expect(startProblem(rule('FREQ=WEEKLY;BYDAY=TU'), tuesday)).toBeUndefined();
    expect(startProblem(rule('FREQ=WEEKLY;BYDAY=WE'), tuesday)).toMatch(/falls on TU/);
    expect(startProblem(rule('FREQ=MONTHLY;BYMONTHDAY=15'), tuesday)).toMatch(/day 1 /);
    expect(startProblem(rule('FREQ=DAILY;UNTIL=20261130'), tuesday)).toMatch(/before the start/);
  });
});

describe('expansion in Depok time', () => {
  it('weekly on Tuesday 09:00 WIB is Tuesday 02:00 UTC', () => {
    const start = Date.parse('2026-12-01T09:00:00+07:00');
    const got = occurrenceStarts(rule('FREQ=WEEKLY;BYDAY=TU'), start, 2 * H, start, start + 21 * DAY_MS);
    expect(iso(got)).toEqual([
      '2026-12-01T02:00:00.000Z',
      '2026-12-08T02:00:00.000Z',
      '2026-12-15T02:00:00.000Z',
    ]);
  });

  it('Monday 06:00 WIB falls on Sunday in UTC, and stays a WIB Monday', () => {
    const start = Date.parse('2026-11-30T06:00:00+07:00'); // Monday in Depok, Sunday 23:00 UTC
    const got = occurrenceStarts(rule('FREQ=WEEKLY;BYDAY=MO,FR'), start, H, start, start + 8 * DAY_MS);
    expect(iso(got)).toEqual([
      '2026-11-29T23:00:00.000Z', // Mon 30 Nov 06:00 WIB
      '2026-12-03T23:00:00.000Z', // Fri 4 Dec 06:00 WIB (Thursday in UTC)
      '2026-12-06T23:00:00.000Z', // Mon 7 Dec
    ]);
  });

  it('midnight WIB on the first of the month is 17:00 UTC the day before', () => {
    const start = Date.parse('2027-01-01T00:00:00+07:00');
    const got = occurrenceStarts(rule('FREQ=MONTHLY;COUNT=3'), start, H, start, start + 400 * DAY_MS);
    expect(iso(got)).toEqual([
      '2026-12-31T17:00:00.000Z',
      '2027-01-31T17:00:00.000Z',
      '2027-02-28T17:00:00.000Z',
    ]);
  });

  it('skips months without the day, and honours INTERVAL and COUNT', () => {
    const start = Date.parse('2027-01-31T08:00:00+07:00');
    const got = occurrenceStarts(
      rule('FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4'),
      start,
      H,
      start,
      start + 800 * DAY_MS,
    );
    expect(iso(got).map((t) => t.slice(0, 10))).toEqual([
      '2027-01-31',
      '2027-03-31',
      '2027-05-31',
      '2027-07-31',
    ]);
    const daily = occurrenceStarts(
      rule('FREQ=DAILY;INTERVAL=2;COUNT=3'),
      start,
      H,
      start,
      start + 30 * DAY_MS,
    );
    expect(daily.map((t) => (t - start) / DAY_MS)).toEqual([0, 2, 4]);
  });

  it('UNTIL as a date includes that whole WIB day', () => {
    const start = Date.parse('2026-12-01T23:30:00+07:00');
    const got = occurrenceStarts(rule('FREQ=DAILY;UNTIL=20261203'), start, H, start, start + 10 * DAY_MS);
    expect(got.map((t) => formatWib(t))).toEqual([
      '2026-12-01 23:30 WIB',
      '2026-12-02 23:30 WIB',
      '2026-12-03 23:30 WIB',
    ]);
  });

  it('reports an occurrence still running at `from`, and none that starts at `to`', () => {
    const start = Date.parse('2026-12-01T09:00:00+07:00');
    const r = rule('FREQ=DAILY');
    expect(occurrenceStarts(r, start, 2 * H, start + H, start + DAY_MS)).toEqual([start]);
    expect(occurrenceStarts(r, start, 2 * H, start + 2 * H, start + DAY_MS)).toEqual([]);
  });

  it('a window far from DTSTART gives what expanding from DTSTART gives (property)', () => {
    const rules = fc.oneof(
      fc.record({ freq: fc.constant('DAILY' as const), interval: fc.integer({ min: 1, max: 5 }) }),
      fc.record({
        freq: fc.constant('WEEKLY' as const),
        interval: fc.integer({ min: 1, max: 3 }),
        byDay: fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const, { minLength: 1 }),
      }),
      fc.record({
        freq: fc.constant('MONTHLY' as const),
        interval: fc.integer({ min: 1, max: 4 }),
        byMonthDay: fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 3 }),
      }),
    );
    fc.assert(
      fc.property(
        rules,
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        fc.integer({ min: 0, max: 400 * DAY_MS }),
        fc.integer({ min: 1, max: 60 * DAY_MS }),
        fc.integer({ min: 1, max: 30 * H }),
        fc.integer({ min: 0, max: DAY_MS - 1 }),
        (base, count, offset, span, duration, timeOfDay) => {
          const r: Recurrence = { ...base, ...(count ? { count } : {}) } as Recurrence;
          if (r.byMonthDay) r.byMonthDay.sort((a, b) => a - b);
          // DTSTART on a day the rule allows: the first allowed day on or after 2026-12-01 WIB.
          let start = Date.parse('2026-12-01T00:00:00+07:00') + timeOfDay;
          while (startProblem(r, start)) start += DAY_MS;
          const from = start + offset;
          const to = from + span;
          const all = occurrenceStarts(r, start, duration, start, to);
          const expected = all.filter((t) => t + duration > from);
          expect(occurrenceStarts(r, start, duration, from, to)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
