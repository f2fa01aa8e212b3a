import { type NativeEnvelope, NativeEnvelopeSchema } from '../../../lib/catalogue/schema.ts';
import type { DecodeContext, Target } from '../context.ts';
import { type DecodeResult, type Reading, reject } from '../reading.ts';
import { Reasons } from '../reasons.ts';
import { parseDeviceTime } from '../timestamps.ts';
import { firstIssue, validateValues } from '../validate-values.ts';

type Envelope = Pick<NativeEnvelope, 'ts' | 'values' | 'seq'>;

const ENVELOPE_KEYS = new Set(['ts', 'values', 'seq', 'meta']);
const MAX_VALUE_KEY_LENGTH = 64;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * NativeEnvelopeSchema's common case without zod, which cost most of a reading's decode time. Anything
 * it is not sure of returns undefined and goes through the schema, which also words the rejection; it
 * may only accept what the schema accepts (native.test.ts checks that property on random input).
 */
export function quickEnvelope(json: unknown): Envelope | undefined {
  if (!isPlainObject(json)) return undefined;
  for (const key of Object.keys(json)) if (!ENVELOPE_KEYS.has(key)) return undefined;
  const { ts, values, seq, meta } = json;
  const tsOk = typeof ts === 'string' ? ts.length <= 64 : typeof ts === 'number' && Number.isFinite(ts);
  if (!tsOk || !isPlainObject(values)) return undefined;
  const time = ts as number | string;
  // zod's record copies values and so drops an own `__proto__` key: leave that odd case to it.
  for (const key of Object.keys(values))
    if (key.length > MAX_VALUE_KEY_LENGTH || key === '__proto__') return undefined;
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0))
    return undefined;
  if (meta !== undefined && !isPlainObject(meta)) return undefined;
  return { ts: time, values, seq };
}

function parseEnvelope(json: unknown): { ok: true; envelope: Envelope } | { ok: false; detail: string } {
  const quick = quickEnvelope(json);
  if (quick) return { ok: true, envelope: quick };
  const parsed = NativeEnvelopeSchema.safeParse(json);
  return parsed.success
    ? { ok: true, envelope: parsed.data }
    : { ok: false, detail: firstIssue(parsed.error.issues) };
}

/** The project's own payload (docs/ARCHITECTURE.md, "Contracts"): values already in the catalogue's units. */
export function decodeNative(json: unknown, target: Target, ctx: DecodeContext): DecodeResult {
  const parsed = parseEnvelope(json);
  if (!parsed.ok) return reject(Reasons.invalidPayload, parsed.detail);
  const { envelope } = parsed;
  const values = validateValues(target.kind, envelope.values);
  if (!values.ok) return reject(values.reason, values.detail);
  const ts = parseDeviceTime(envelope.ts, ctx.now, ctx.time);
  if (typeof ts === 'string') return reject(Reasons.timestampOutOfBounds, ts);
  const reading: Reading = {
    kind: target.kind.id,
    station: target.station,
    ts,
    values: values.values,
    tags: target.tags,
  };
  if (envelope.seq !== undefined) reading.seq = envelope.seq;
  return { ok: true, readings: [reading] };
}
