import { Cron } from 'croner';
import type { Language } from '../lib/records/access.ts';
import type { ReportFormat, ReportType } from '../lib/reports/model.ts';

/**
 * The report schedule as data (issue 16): the daily ISPU bulletin for today at 16:00 WIB, after the
 * 15:00 value it reports; the monthly reports for the previous month on the 1st at 01:00 WIB. Cron
 * expressions are read by croner in zone Asia/Jakarta, whatever the machine's zone.
 */

export const ZONE = 'Asia/Jakarta';
const WIB_OFFSET_MS = 7 * 3_600_000; // UTC+7, no daylight saving

/** Which period a run at a given moment reports: the WIB day it runs on, or the month before it. */
export const PeriodRules = ['today', 'previous-month'] as const;
export type PeriodRule = (typeof PeriodRules)[number];

export type ScheduleEntry = {
  type: ReportType;
  cron: string;
  period: PeriodRule;
  formats: ReportFormat[];
  lang: Language;
  /** Who gets it by e-mail: `default` is REPORTS_RECIPIENTS; a list replaces it; empty: nobody. */
  recipients: 'default' | string[];
};

const ALL_FORMATS: ReportFormat[] = ['pdf', 'csv', 'xlsx'];

export const DEFAULT_SCHEDULE: readonly ScheduleEntry[] = [
  {
    type: 'ispu-daily',
    cron: '0 16 * * *',
    period: 'today',
    formats: ALL_FORMATS,
    lang: 'id',
    recipients: 'default',
  },
  ...(['air-monthly', 'wastewater-monthly', 'water-monthly'] as const).map(
    (type): ScheduleEntry => ({
      type,
      cron: '0 1 1 * *',
      period: 'previous-month',
      formats: ALL_FORMATS,
      lang: 'id',
      recipients: 'default',
    }),
  ),
];

/** A run the schedule asks for: which entry, when it was due, and the period it reports. */
export type DueRun = { entry: ScheduleEntry; dueAt: number; period: string };

const cronOf = (entry: ScheduleEntry) => new Cron(entry.cron, { timezone: ZONE, paused: true });

/** The period (`YYYY-MM-DD` or `YYYY-MM`, WIB) a run due at `at` reports. */
export function periodAt(rule: PeriodRule, at: number): string {
  const wib = new Date(at + WIB_OFFSET_MS).toISOString();
  if (rule === 'today') return wib.slice(0, 10);
  const year = Number(wib.slice(0, 4));
  const month = Number(wib.slice(5, 7)); // 1..12; the previous month is month - 1
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The entry's last due moment at or before `now` (epoch ms), undefined if it has none. */
export function lastDue(entry: ScheduleEntry, now: number): DueRun | undefined {
  // croner's previousRuns is strictly before its reference: a run due exactly now counts as due.
  const [previous] = cronOf(entry).previousRuns(1, new Date(now + 1));
  if (!previous) return undefined;
  const dueAt = previous.getTime();
  return { entry, dueAt, period: periodAt(entry.period, dueAt) };
}

/** The entry's next due moment after `now`. */
export function nextDue(entry: ScheduleEntry, now: number): DueRun | undefined {
  const next = cronOf(entry).nextRun(new Date(now));
  if (!next) return undefined;
  const dueAt = next.getTime();
  return { entry, dueAt, period: periodAt(entry.period, dueAt) };
}

/**
 * What to run at start-up: each entry's last due run, if it fell within `windowMs` before `now` and
 * `wasRun` says the schedule has no run of that type and period yet. Only the last: a service down for
 * a week catches up one bulletin, not seven (older ones: `npm run report`).
 */
export function catchUp(
  schedule: readonly ScheduleEntry[],
  now: number,
  windowMs: number,
  wasRun: (type: ReportType, period: string) => boolean,
): DueRun[] {
  return schedule
    .map((entry) => lastDue(entry, now))
    .filter((due): due is DueRun => due !== undefined && now - due.dueAt <= windowMs)
    .filter((due) => !wasRun(due.entry.type, due.period));
}

/** Refuses a schedule whose cron expression croner cannot read, naming the entry. */
export function checkSchedule(schedule: readonly ScheduleEntry[]): string | undefined {
  for (const entry of schedule) {
    try {
      cronOf(entry);
    } catch (err) {
      return `schedule of ${entry.type}: cron '${entry.cron}' is not valid (${(err as Error).message})`;
    }
  }
  return undefined;
}
