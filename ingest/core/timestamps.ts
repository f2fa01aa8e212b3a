export type TimeBounds = {
  /** Oldest accepted device time, relative to now (late data from a logger that was offline). */
  maxPastMs: number;
  /** Newest accepted device time, relative to now (clock skew). */
  maxFutureMs: number;
};

// RFC 3339 with a mandatory zone: a zone-less time is ambiguous for a city at UTC+7.
// ECMAScript's Date range: beyond it toISOString throws.
const MAX_DATE_MS = 8.64e15;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Device time in epoch ms, or a sentence that says why it is not sane. */
export function parseDeviceTime(ts: number | string, now: number, bounds: TimeBounds): number | string {
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return 'ts is not a finite number';
    ms = Math.round(ts);
    if (Math.abs(ms) > MAX_DATE_MS) return 'ts is outside the range of dates';
  } else {
    if (!RFC3339.test(ts)) return 'ts is neither epoch ms nor an RFC 3339 time with a zone';
    ms = Date.parse(ts);
    if (Number.isNaN(ms)) return 'ts is not a valid date';
  }
  if (ms < now - bounds.maxPastMs) return `ts ${new Date(ms).toISOString()} is older than allowed`;
  if (ms > now + bounds.maxFutureMs) return `ts is ${ms - now} ms in the future`;
  return ms;
}

/**
 * RFC 8428 section 4.5.3: a resolved SenML time (base time + time, in seconds) below 2^28 is relative
 * to now (negative: in the past); from 2^28 on it is seconds since the Unix epoch. 2^28 s is 1978, so
 * no real absolute time is mistaken for a relative one.
 */
export const SENML_RELATIVE_LIMIT_S = 2 ** 28;

/** A resolved SenML time in (floating) seconds -> epoch ms within bounds, or why it is not sane. */
export function senmlTimeMs(seconds: number, now: number, bounds: TimeBounds): number | string {
  if (!Number.isFinite(seconds)) return 'time is not a finite number';
  const ms = seconds < SENML_RELATIVE_LIMIT_S ? now + seconds * 1000 : seconds * 1000;
  return parseDeviceTime(ms, now, bounds);
}
