/**
 * Automatic validity codes, one per stored value (`<field>_validity` in InfluxDB). Small integers,
 * stable: a code once published keeps its number and meaning, since stored data and queries name it.
 * 0 is valid; the flags take the range 11-18, the range the data loggers that feed KLHK use for their
 * validity codes (the issue that asked for this cites the range; the order inside it follows the issue's
 * list and is this project's own). ingest/README.md "Validity codes" gives the practice each follows.
 */
export const ValidityCodes = {
  valid: 0,
  /** A value at or below what the quantity can physically take there (pH 0, no water vapour at all). */
  impossible: 11,
  /** Above the field's plausibility ceiling: the sensor can report it, the place cannot produce it. */
  aboveCeiling: 12,
  /** The same value N times in a row (N per field): a stuck sensor or a logger repeating its last value. */
  flatLine: 13,
  /** A jump from the last good value beyond the field's rate per minute (and factor, when set). */
  spike: 14,
  /** At an end of the sensor's physical range (within epsilon): saturated or disconnected. */
  atSpan: 15,
  /** Inside a maintenance or calibration window of the station (or of that field). */
  maintenance: 16,
  /** Device time older than (or equal to, with another value) the last one stored for the station's field. */
  outOfSequence: 17,
  /** Device time far from the arrival time, though inside the window the ingest accepts. */
  clockSkew: 18,
} as const;
export type ValidityCode = (typeof ValidityCodes)[keyof typeof ValidityCodes];

/**
 * When several checks fire, the value gets the first of these. A known cause beats a suspicion
 * (maintenance explains any odd value); then what is wrong with the value whatever its time
 * (impossible, saturated, implausible); then what is wrong with its time (a value stamped wrongly
 * belongs to no hour); last the patterns that compare it with its neighbours (spike, flat line).
 */
export const VALIDITY_PRECEDENCE: readonly ValidityCode[] = [
  ValidityCodes.maintenance,
  ValidityCodes.impossible,
  ValidityCodes.atSpan,
  ValidityCodes.aboveCeiling,
  ValidityCodes.outOfSequence,
  ValidityCodes.clockSkew,
  ValidityCodes.spike,
  ValidityCodes.flatLine,
];

/** On a point's `validity` field only: its values' codes differ, and each is in `<field>_validity`. */
export const MIXED_CODES = 10;

/**
 * A reading's code, stored as `validity` on every point: the code all its values share (0 when all are
 * valid; a clock, maintenance or a stuck logger usually flags them all alike), or MIXED_CODES when
 * they differ. So a value's code is its `<field>_validity` when the point has one, else `validity`.
 */
export function readingCode(codes: Readonly<Record<string, number>>): number {
  let shared: number | undefined;
  for (const name in codes) {
    const code = codes[name] as number;
    if (shared === undefined) shared = code;
    else if (code !== shared) return MIXED_CODES;
  }
  return shared ?? ValidityCodes.valid;
}

/** Every code with its name, for documentation and tests. */
export const VALIDITY_CODE_NAMES: ReadonlyMap<number, keyof typeof ValidityCodes> = new Map(
  Object.entries(ValidityCodes).map(([name, code]) => [code, name as keyof typeof ValidityCodes]),
);
