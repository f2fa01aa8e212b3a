/** A validated reading in the catalogue's units: what the ingest stores and publishes. */
export type Reading = {
  kind: string;
  station: string;
  /** Device time, epoch ms. */
  ts: number;
  values: Record<string, number>;
  seq?: number;
  /** Registry attributes stored as InfluxDB tags (district, operator). */
  tags: Record<string, string>;
  /** Validity code of each value (lib/validity/codes.ts), set by the ingest's validity stage. */
  validity?: Record<string, number>;
};

export type Rejection = {
  reason: string;
  detail: string;
};

export type DecodeResult = { ok: true; readings: Reading[] } | ({ ok: false } & Rejection);

export function reject(reason: string, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}
