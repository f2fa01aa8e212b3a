import { NativeEnvelopeSchema } from '../../../lib/catalogue/schema.ts';
import type { DecodeContext, Target } from '../context.ts';
import { type DecodeResult, type Reading, reject } from '../reading.ts';
import { Reasons } from '../reasons.ts';
import { parseDeviceTime } from '../timestamps.ts';
import { firstIssue, validateValues } from '../validate-values.ts';

/** The project's own payload (DESIGN.md "Contracts"): values already in the catalogue's units. */
export function decodeNative(json: unknown, target: Target, ctx: DecodeContext): DecodeResult {
  const envelope = NativeEnvelopeSchema.safeParse(json);
  if (!envelope.success) return reject(Reasons.invalidPayload, firstIssue(envelope.error.issues));
  const values = validateValues(target.kind, envelope.data.values);
  if (!values.ok) return reject(values.reason, values.detail);
  const ts = parseDeviceTime(envelope.data.ts, ctx.now, ctx.time);
  if (typeof ts === 'string') return reject(Reasons.timestampOutOfBounds, ts);
  const reading: Reading = {
    kind: target.kind.id,
    station: target.station,
    ts,
    values: values.values,
    tags: target.tags,
  };
  if (envelope.data.seq !== undefined) reading.seq = envelope.data.seq;
  return { ok: true, readings: [reading] };
}
