/**
 * Validity codes as the ingest stores them (`<field>_validity`, an integer per value in InfluxDB) and
 * carries them on the normalized reading (`validity: { <field>: <code> }`): 0 is valid, any other code
 * names why the value is suspect or invalid (impossible value, flat line, spike, at span, in maintenance,
 * clock problem; the table is the ingest's). A reading without `validity`, or a field missing from it,
 * is valid: readings stored before the codes existed keep counting.
 *
 * Which codes keep a value out of means, the ISPU, capture's "valid" count and the alert rules is
 * decided here, and only here. Today every non-zero code does: an automatic flag means "do not trust
 * this value until a validator says otherwise" (EEA E2a practice: flagged values are left out of the
 * up-to-date aggregates). A code for a value that is doubtful but still usable (an advisory, such as a
 * small clock offset) goes into COUNTED_CODES, with the reason beside it. The in-maintenance code is
 * invalid too: the alert flows mute a station's alerts during a window from the records database, and
 * skip the values the ingest flagged.
 */
export const VALID = 0;

/** Non-zero codes whose values still count as valid. None so far. */
export const COUNTED_CODES: ReadonlySet<number> = new Set<number>([]);

/** Whether a value with this code is left out (a code that is not an integer counts as invalid). */
export function isInvalid(code: unknown): boolean {
  if (code === undefined || code === null || code === VALID) return false;
  return !(typeof code === 'number' && Number.isInteger(code) && COUNTED_CODES.has(code));
}

/**
 * The values of a reading that count, without those flagged invalid, and how many were left out. The
 * same object comes back when nothing is flagged (the common case costs no copy).
 */
export function validValues(
  values: Record<string, number>,
  validity: Record<string, unknown> | undefined,
): { values: Record<string, number>; skipped: number } {
  if (validity === undefined) return { values, skipped: 0 };
  let kept: Record<string, number> | undefined;
  let skipped = 0;
  for (const field of Object.keys(values)) {
    if (!Object.hasOwn(validity, field) || !isInvalid(validity[field])) continue;
    kept ??= { ...values };
    delete kept[field];
    skipped++;
  }
  return { values: kept ?? values, skipped };
}
