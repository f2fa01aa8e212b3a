import { findKind } from '../../lib/catalogue/index.ts';
import { parseSensorTopic } from '../../lib/catalogue/topics.ts';
import type { DecodeContext, Target } from './context.ts';
import { decodeNative } from './formats/native.ts';
import { decodeSenml } from './formats/senml.ts';
import { decodeSensorCommunity } from './formats/sensor-community.ts';
import { type DecodeResult, reject } from './reading.ts';
import { Reasons } from './reasons.ts';

export type { DecodeContext, StationInfo } from './context.ts';

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
  const target: Target = { kind, station: parsedTopic.station, tags };
  // The format is told by its shape; the three shapes cannot be mistaken for one another.
  if (Array.isArray(json)) return decodeSenml(json, target, ctx);
  if (typeof json === 'object' && json !== null && Object.hasOwn(json, 'sensordatavalues')) {
    return decodeSensorCommunity(json, target, ctx);
  }
  return decodeNative(json, target, ctx);
}
