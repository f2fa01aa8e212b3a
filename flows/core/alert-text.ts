import { fmt } from './rules/common.ts';

/**
 * The sentences of an alert that people read (its message, the amounts in notifications), kept in one
 * place so they can move into a catalogue of languages. Rule types still word their own `detail`.
 */

/** The unit of amounts that are time: a staleness alert's value and limit are seconds of silence. */
export const SECONDS = 's';

/**
 * A duration for people: "3.5 s", "3 min 5 s", "2 h 10 min", "1 d 3 h". Whole seconds from a
 * minute on, whole minutes from an hour on, whole hours from a day on.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${fmt(s)} s`;
  const pair = (n: number, per: number, big: string, small: string) => {
    const hi = Math.floor(n / per);
    const lo = n - hi * per;
    return `${sign}${hi} ${big}${lo === 0 ? '' : ` ${lo} ${small}`}`;
  };
  const secs = Math.round(s);
  if (secs < 3600) return pair(secs, 60, 'min', 's');
  const mins = Math.round(s / 60);
  if (mins < 1440) return pair(mins, 60, 'h', 'min');
  return pair(Math.round(s / 3600), 24, 'd', 'h');
}

/** A value with its unit; seconds read as a duration, never as "185 ug/m3". */
export function formatAmount(value: number, unit: string): string {
  return unit === SECONDS ? formatDuration(value) : `${fmt(value)} ${unit}`;
}

type Named = { id: string; parameter: string; source: string };

/** `<station>: <parameter> <what the rule says> (<rule>; <where the limit comes from>)`. */
export function alertMessage(station: string, rule: Named, detail: string): string {
  return `${station}: ${rule.parameter} ${detail} (${rule.id}; ${rule.source})`;
}

/**
 * A cleared alert says what cleared it, and the value it was raised with as such: the alert's `value`
 * is the clearing value, so the message never shows another number as if it were the current one.
 */
export function clearedMessage(
  station: string,
  rule: Named,
  detail: string,
  raised: { value: number; unit: string },
): string {
  return `${alertMessage(station, rule, detail)}; ${formatAmount(raised.value, raised.unit)} when raised`;
}

/** The clear when a station leaves the registry (its device revoked or removed). */
export const NO_LONGER_REGISTERED = 'no longer watched: the device was revoked or removed from the registry';

/** Staleness, raise: silent this long, against the limit. */
export function silentDetail(silentS: number, limitS: number, everHeard: boolean): string {
  const since = everHeard ? '' : ' since watching began, no reading yet';
  return `silent for ${formatDuration(silentS)}${since} (limit ${formatDuration(limitS)})`;
}

/** Staleness, clear: the reading that ended the silence. */
export function reportedAgainDetail(silentS: number): string {
  return `reported again after ${formatDuration(silentS)} of silence`;
}

/** The value line of a notification: amounts in the alert's unit, durations for staleness. */
export function valueLine(a: { value: number; limit: number; unit: string; averaging?: string | undefined }) {
  const averaging = a.averaging ? `, averaging ${a.averaging}` : '';
  return `value ${formatAmount(a.value, a.unit)}, limit ${formatAmount(a.limit, a.unit)}${averaging}`;
}
