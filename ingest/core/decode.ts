import { findKind, type KindSpec } from '../../lib/catalogue/index.ts';
import { NativeEnvelopeSchema, valuesSchemaFor } from '../../lib/catalogue/schema.ts';
import { parseSensorTopic } from '../../lib/catalogue/topics.ts';
import { type DecodeResult, type Reading, reject } from './reading.ts';
import { Reasons } from './reasons.ts';
import { parseDeviceTime, type TimeBounds } from './timestamps.ts';

export type StationInfo = { kind: string; tags: Record<string, string> };

export type DecodeContext = {
  now: number;
  time: TimeBounds;
  maxPayloadBytes: number;
  /**
   * The station registry. When given, a station it does not list (or lists under another kind) is
   * rejected; when undefined, any well-formed station id is accepted without registry tags.
   */
  lookupStation?: (station: string) => StationInfo | undefined;
};

const valueSchemas = new Map<KindSpec, ReturnType<typeof valuesSchemaFor>>();
function valuesSchema(kind: KindSpec) {
  let schema = valueSchemas.get(kind);
  if (!schema) {
    schema = valuesSchemaFor(kind);
    valueSchemas.set(kind, schema);
  }
  return schema;
}

/** Topic + payload bytes -> validated readings, or one rejection with a reason. Pure: no I/O. */
export function decodeMessage(topic: string, payload: Uint8Array, ctx: DecodeContext): DecodeResult {
  const parsedTopic = parseSensorTopic(topic);
  if (!parsedTopic || parsedTopic.status)
    return reject(Reasons.invalidTopic, 'not a sensors/<kind>/<station> topic');
  const kind = findKind(parsedTopic.kind);
  if (!kind) return reject(Reasons.unknownKind, `kind '${parsedTopic.kind}' is not in the catalogue`);
  let tags: Record<string, string> = {};
  if (ctx.lookupStation) {
    const info = ctx.lookupStation(parsedTopic.station);
    if (!info || info.kind !== kind.id) {
      return reject(
        Reasons.unknownStation,
        `station '${parsedTopic.station}' is not registered as ${kind.id}`,
      );
    }
    tags = info.tags;
  }
  if (payload.byteLength > ctx.maxPayloadBytes) {
    return reject(Reasons.payloadTooLarge, `${payload.byteLength} bytes > ${ctx.maxPayloadBytes}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return reject(Reasons.malformedJson, 'payload is not valid JSON');
  }
  return decodeNative(json, kind, parsedTopic.station, tags, ctx);
}

function decodeNative(
  json: unknown,
  kind: KindSpec,
  station: string,
  tags: Record<string, string>,
  ctx: DecodeContext,
): DecodeResult {
  const envelope = NativeEnvelopeSchema.safeParse(json);
  if (!envelope.success) return reject(Reasons.invalidPayload, firstIssue(envelope.error.issues));
  const values = valuesSchema(kind).safeParse(envelope.data.values);
  if (!values.success) {
    const issue = values.error.issues[0];
    const reason =
      issue?.code === 'unrecognized_keys'
        ? Reasons.unknownField
        : issue?.code === 'too_small' || issue?.code === 'too_big'
          ? Reasons.outOfRange
          : Reasons.invalidPayload;
    return reject(reason, firstIssue(values.error.issues, 'values'));
  }
  const ts = parseDeviceTime(envelope.data.ts, ctx.now, ctx.time);
  if (typeof ts === 'string') return reject(Reasons.timestampOutOfBounds, ts);
  const reading: Reading = { kind: kind.id, station, ts, values: dropUndefined(values.data), tags };
  if (envelope.data.seq !== undefined) reading.seq = envelope.data.seq;
  return { ok: true, readings: [reading] };
}

function dropUndefined(values: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

type Issue = { path: PropertyKey[]; message: string; code: string; keys?: string[] };
function firstIssue(issues: readonly Issue[], prefix?: string): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const keys = issue.keys ? ` (${issue.keys.slice(0, 5).join(', ')})` : '';
  return `${path || 'payload'}: ${issue.message}${keys}`.slice(0, 300);
}
