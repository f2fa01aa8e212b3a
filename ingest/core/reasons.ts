/**
 * Machine-readable rejection reasons. They label the `ingest_rejected_total` metric and the
 * `reason` field of every dead-letter message, so renaming one is a breaking change.
 */
export const Reasons = {
  payloadTooLarge: 'payload_too_large',
  malformedJson: 'malformed_json',
  invalidPayload: 'invalid_payload',
  invalidTopic: 'invalid_topic',
  unknownKind: 'unknown_kind',
  unknownStation: 'unknown_station',
  unknownField: 'unknown_field',
  unknownUnit: 'unknown_unit',
  outOfRange: 'out_of_range',
  timestampOutOfBounds: 'timestamp_out_of_bounds',
  writeRejected: 'write_rejected',
} as const;

export type Reason = (typeof Reasons)[keyof typeof Reasons];
