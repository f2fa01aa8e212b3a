/**
 * The sensor-kind catalogue's shape. A kind is data: everything that validates, stores,
 * authorizes, simulates or alerts on a reading derives from one of these entries.
 */
export type FieldSpec = {
  /** Canonical unit the value is stored in (see ../core/units.ts for accepted source units). */
  unit: string;
  /** Physical range of the sensor: a value outside it is a fault, never a reading. */
  min: number;
  max: number;
  description: string;
  /** Gas pollutants: ug/m3 per ppb at 25 degC and 1 atm (../../shared/standards unit_conversions). */
  ugM3PerPpb?: number;
};

export type ExamplePayload = {
  /** What the example shows. */
  title: string;
  /** A JSON value, or a string sent as raw bytes (for payloads JSON.stringify cannot express). */
  payload: unknown;
};

export type InvalidExample = ExamplePayload & {
  /** The rejection reason code the decoder must give for this payload. */
  reason: string;
};

export type KindSpec = {
  /** snake_case id used in topics and as the InfluxDB measurement. */
  id: string;
  title: string;
  description: string;
  /** How often a station of this kind is expected to report, in seconds (stale detection, simulators). */
  expectedIntervalS: number;
  fields: Record<string, FieldSpec>;
  examples: { valid: ExamplePayload[]; invalid: InvalidExample[] };
};
