const WIB_OFFSET_MS = 7 * 3_600_000;

/** Depok local time (WIB, UTC+7, no daylight saving) as a spreadsheet reads it: `2026-12-01 15:04:05`. */
export function wibDateTime(ms: number): string {
  return new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
