import { DAY_MS, WIB_OFFSET_MS } from './time.ts';

/**
 * Recurring maintenance windows: a subset of the RFC 5545 RRULE (section 3.3.10), evaluated in Depok
 * time (WIB, UTC+7, no daylight saving). Supported parts:
 *
 * - `FREQ=DAILY|WEEKLY|MONTHLY` (required), `INTERVAL=n` (default 1);
 * - `BYDAY=MO,TU,...` with WEEKLY (plain weekdays, no ordinals; weeks start on Monday, WKST=MO);
 * - `BYMONTHDAY=1..31` with MONTHLY (a month without that day is skipped, as the RFC says);
 * - `COUNT=n` or `UNTIL=` (`YYYYMMDDTHHMMSSZ` in UTC, `YYYYMMDDTHHMMSS` in WIB, or `YYYYMMDD`: up to
 *   the end of that WIB day), never both (RFC 5545: they must not occur together).
 *
 * The time of day and the first occurrence come from DTSTART (the window's start), which must itself
 * match the rule (a Tuesday for `BYDAY=TU`): the RFC counts DTSTART as the first occurrence even when
 * it does not match, a surprise we refuse instead. Anything else (BYHOUR, BYSETPOS, YEARLY...) is
 * refused by name, never ignored.
 */

export const Weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof Weekdays)[number];

export type Recurrence = {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  byDay?: Weekday[];
  byMonthDay?: number[];
  count?: number;
  /** Last time an occurrence may start (inclusive), epoch ms. */
  until?: number;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const MAX_INTERVAL = 1000;
const MAX_COUNT = 100_000;

function parseUntil(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, z] = m;
  const iso = `${y}-${mo}-${d}`;
  const day = Date.parse(`${iso}T00:00Z`);
  if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== iso) return undefined;
  if (hh === undefined) return day - WIB_OFFSET_MS + DAY_MS - 1; // the whole WIB day
  const ms = Date.parse(`${iso}T${hh}:${mi}:${ss}${z ? 'Z' : '+07:00'}`);
  return Number.isFinite(ms) ? ms : undefined;
}

function positive(value: string, max: number): number | undefined {
  if (!/^\d{1,6}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= max ? n : undefined;
}

/** Parses an RRULE (with or without the `RRULE:` prefix); the problem names the first bad part. */
export function parseRrule(text: string): Parsed<Recurrence> {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') return { ok: false, problem: 'the rule is empty (e.g. FREQ=WEEKLY;BYDAY=TU)' };
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).toUpperCase();
    if (eq <= 0) return { ok: false, problem: `'${part}' is not NAME=VALUE` };
    if (parts.has(key)) return { ok: false, problem: `${key} is given twice` };
    parts.set(key, part.slice(eq + 1).toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY')
    return { ok: false, problem: 'FREQ must be DAILY, WEEKLY or MONTHLY' };
  const rule: Recurrence = { freq, interval: 1 };
  for (const [key, value] of parts) {
    switch (key) {
      case 'FREQ':
        break;
      case 'INTERVAL': {
        const n = positive(value, MAX_INTERVAL);
        if (n === undefined) return { ok: false, problem: `INTERVAL must be 1..${MAX_INTERVAL}` };
        rule.interval = n;
        break;
      }
      case 'COUNT': {
        const n = positive(value, MAX_COUNT);
        if (n === undefined) return { ok: false, problem: `COUNT must be 1..${MAX_COUNT}` };
        rule.count = n;
        break;
      }
      case 'UNTIL': {
        const until = parseUntil(value);
        if (until === undefined)
          return { ok: false, problem: 'UNTIL must be YYYYMMDD, YYYYMMDDTHHMMSS (WIB) or ...Z (UTC)' };
        rule.until = until;
        break;
      }
      case 'BYDAY': {
        if (freq !== 'WEEKLY') return { ok: false, problem: 'BYDAY is supported with FREQ=WEEKLY only' };
        const days = value.split(',');
        const bad = days.find((d) => !(Weekdays as readonly string[]).includes(d));
        if (bad !== undefined)
          return { ok: false, problem: `BYDAY '${bad}' is not one of ${Weekdays.join(',')} (no ordinals)` };
        rule.byDay = Weekdays.filter((d) => days.includes(d));
        break;
      }
      case 'BYMONTHDAY': {
        if (freq !== 'MONTHLY')
          return { ok: false, problem: 'BYMONTHDAY is supported with FREQ=MONTHLY only' };
        const days = value.split(',').map((d) => positive(d, 31));
        if (days.some((d) => d === undefined)) return { ok: false, problem: 'BYMONTHDAY must be 1..31' };
        rule.byMonthDay = [...new Set(days as number[])].sort((a, b) => a - b);
        break;
      }
      default:
        return {
          ok: false,
          problem: `${key} is not supported (FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)`,
        };
    }
  }
  if (rule.count !== undefined && rule.until !== undefined)
    return { ok: false, problem: 'COUNT and UNTIL exclude each other' };
  return { ok: true, value: rule };
}

/** The rule back as RRULE text (canonical order), as stored in the records database. */
export function formatRrule(rule: Recurrence): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay) parts.push(`BYDAY=${rule.byDay.join(',')}`);
  if (rule.byMonthDay) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined)
    parts.push(`UNTIL=${new Date(rule.until).toISOString().replace(/[-:]|\.\d{3}/g, '')}`);
  return parts.join(';');
}

/** WIB calendar parts of an instant (day number since 1970-01-01 WIB, weekday 0 = Monday). */
function wib(ms: number) {
  const local = ms + WIB_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const date = new Date(day * DAY_MS);
  return {
    day,
    timeOfDay: local - day * DAY_MS,
    weekday: (date.getUTCDay() + 6) % 7,
    year: date.getUTCFullYear(),
    month: date.getUTCMonth(),
    monthDay: date.getUTCDate(),
  };
}

/** Why DTSTART does not fit the rule, or undefined when it is its first occurrence. */
export function startProblem(rule: Recurrence, start: number): string | undefined {
  const s = wib(start);
  if (rule.byDay && !rule.byDay.includes(Weekdays[s.weekday] ?? 'MO'))
    return `the start falls on ${Weekdays[s.weekday]}, not on BYDAY=${rule.byDay.join(',')}`;
  if (rule.byMonthDay && !rule.byMonthDay.includes(s.monthDay))
    return `the start is day ${s.monthDay} of its month, not BYMONTHDAY=${rule.byMonthDay.join(',')}`;
  if (rule.until !== undefined && rule.until < start) return 'UNTIL is before the start';
  return undefined;
}

/** Days (WIB day numbers) of one period `k` of the rule, in order, with how many precede period k. */
function periodDays(rule: Recurrence, first: ReturnType<typeof wib>, k: number): number[] {
  if (rule.freq === 'DAILY') return [first.day + k * rule.interval];
  if (rule.freq === 'WEEKLY') {
    const monday = first.day - first.weekday + 7 * k * rule.interval;
    const days = rule.byDay ? rule.byDay.map((d) => Weekdays.indexOf(d)) : [first.weekday];
    return days.map((w) => monday + w).filter((d) => d >= first.day);
  }
  const monthIndex = first.month + k * rule.interval;
  const year = first.year + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const base = Date.UTC(year, month, 1) / DAY_MS;
  return (rule.byMonthDay ?? [first.monthDay])
    .filter((d) => d <= length)
    .map((d) => base + d - 1)
    .filter((d) => d >= first.day);
}

/** Occurrences in periods before `k` (for COUNT when expansion starts past the first period). */
function occurrencesBefore(rule: Recurrence, first: ReturnType<typeof wib>, k: number): number {
  if (k <= 0) return 0;
  if (rule.freq === 'DAILY') return k;
  if (rule.freq === 'WEEKLY') {
    const perWeek = rule.byDay?.length ?? 1;
    return periodDays(rule, first, 0).length + (k - 1) * perWeek;
  }
  let n = 0;
  for (let i = 0; i < k; i++) n += periodDays(rule, first, i).length;
  return n;
}

const PERIOD_DAYS = { DAILY: 1, WEEKLY: 7, MONTHLY: 28 } as const;
/** Bounds on the work per call: about 27 years of daily occurrences, 800 years of months. */
const MAX_OCCURRENCES = 10_000;
const MAX_PERIODS = 10_000;

/**
 * Start times of the occurrences of `rule` from `start` (DTSTART) that begin before `to` and end after
 * `from` (each lasts `durationMs`), in order. Expansion starts near `from`, not at DTSTART, for DAILY
 * and WEEKLY (a fixed number of days per period in WIB); MONTHLY counts its months from DTSTART.
 */
export function occurrenceStarts(
  rule: Recurrence,
  start: number,
  durationMs: number,
  from: number,
  to: number,
): number[] {
  const first = wib(start);
  const periodMs = PERIOD_DAYS[rule.freq] * rule.interval * DAY_MS;
  // The first period that can hold an occurrence still running at `from` (one period of slack).
  const skip =
    rule.freq === 'MONTHLY' ? 0 : Math.max(0, Math.floor((from - durationMs - start) / periodMs) - 1);
  let seen = rule.count === undefined ? 0 : occurrencesBefore(rule, first, skip);
  const out: number[] = [];
  for (let k = skip; out.length < MAX_OCCURRENCES && k < skip + MAX_PERIODS; k++) {
    const days = periodDays(rule, first, k);
    for (const day of days) {
      const at = day * DAY_MS + first.timeOfDay - WIB_OFFSET_MS;
      if (rule.count !== undefined && seen >= rule.count) return out;
      if ((rule.until !== undefined && at > rule.until) || at >= to) return out;
      seen++;
      if (at + durationMs > from) out.push(at);
    }
    // A MONTHLY rule on day 31 may skip months; stop once its periods are past `to` regardless.
    if (rule.freq === 'MONTHLY' && days.length === 0 && periodStart(rule, first, k) >= to) break;
  }
  return out;
}

function periodStart(rule: Recurrence, first: ReturnType<typeof wib>, k: number): number {
  const monthIndex = first.month + k * rule.interval;
  return Date.UTC(first.year + Math.floor(monthIndex / 12), ((monthIndex % 12) + 12) % 12, 1) - WIB_OFFSET_MS;
}
