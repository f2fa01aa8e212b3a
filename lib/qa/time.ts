/**
 * Depok keeps Western Indonesian Time (WIB, IANA `Asia/Jakarta`): UTC+7 all year, no daylight saving
 * since 1964. A fixed offset, so a WIB day is always 24 h and wall times convert by adding 7 h.
 */
export const WIB_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

// An ISO 8601 date, or date and time (minutes at least), with an optional zone.
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time as people type it: epoch milliseconds, or ISO 8601. Without a zone it is Depok time (WIB): a
 * technician's `2026-12-01T09:00` is 09:00 in Depok, 02:00 UTC; a bare date is WIB midnight.
 * Undefined for anything else (a typo never becomes "now" or UTC by accident).
 */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{1,15}$/.test(trimmed)) return Number(trimmed);
  const match = ISO.exec(trimmed);
  if (!match) return undefined;
  const [, date, time = '00:00', zone] = match;
  // Date.parse rolls 2026-02-30 over into March; a calendar date that does not exist is refused.
  const day = Date.parse(`${date}T00:00Z`);
  if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== date) return undefined;
  const ms = Date.parse(`${date}T${time}${zone ?? '+07:00'}`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `2026-12-01 09:00` (WIB), for messages and the CLI's lists. */
export function formatWib(ms: number): string {
  return `${new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')} WIB`;
}

/** A length as people type it: `90m`, `2h`, `1d`, `1h30m`; undefined otherwise or when zero. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d = '0', h = '0', m = '0'] = match;
  const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000;
  return ms > 0 ? ms : undefined;
}
