import { allocFrame, FRAME_HEADER_BYTES, type Scan, scanFrames, sealFrame } from '../../lib/framing.ts';

/**
 * Journal records, framed as the ingest spool frames its records (lib/framing.ts). A crash in the middle
 * of a write leaves a short or mismatching last record: replay stops there (the caller of that write was
 * never answered).
 * Body: [u8 op][u8 payload kind][u32 LE meta length][meta: JSON][payload bytes]. Payloads stay raw
 * bytes (no base64): a QoS 1 message costs its size plus about 150 bytes of JSON.
 */
const BODY_HEADER_BYTES = 6;
/** Above MQTT's largest packet (256 MiB): a larger length field is corruption, not a record. */
const MAX_RECORD_BYTES = 300 * 1024 * 1024;

/** What each record does to the state; replay applies them in order (persistence.ts). */
export const Op = {
  storeRetained: 1,
  addSubscriptions: 2,
  removeSubscriptions: 3,
  cleanSubscriptions: 4,
  outgoingEnqueue: 5,
  outgoingUpdate: 6,
  outgoingClear: 7,
  incomingStore: 8,
  incomingDel: 9,
  cleanIncoming: 10,
  putWill: 11,
  delWill: 12,
  /** Snapshot only: one queue entry exactly as it was (messageId included), appended to its queue. */
  outgoingRestore: 13,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

const PayloadKind = { none: 0, buffer: 1, string: 2 } as const;

export type Meta = Record<string, unknown>;
export type JournalRecord = { op: number; meta: Meta; payload: Buffer | string | undefined };

export function encodeRecord(op: OpCode, meta: Meta, payload?: Buffer | string): Buffer {
  const json = JSON.stringify(meta);
  const metaBytes = Buffer.byteLength(json);
  const kind =
    payload === undefined
      ? PayloadKind.none
      : typeof payload === 'string'
        ? PayloadKind.string
        : PayloadKind.buffer;
  const payloadBytes =
    payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const bodyBytes = BODY_HEADER_BYTES + metaBytes + payloadBytes;
  const out = allocFrame(bodyBytes);
  out[FRAME_HEADER_BYTES] = op;
  out[FRAME_HEADER_BYTES + 1] = kind;
  out.writeUInt32LE(metaBytes, FRAME_HEADER_BYTES + 2);
  const metaStart = FRAME_HEADER_BYTES + BODY_HEADER_BYTES;
  out.write(json, metaStart, 'utf8');
  if (typeof payload === 'string') out.write(payload, metaStart + metaBytes, 'utf8');
  else if (payload) payload.copy(out, metaStart + metaBytes);
  return sealFrame(out);
}

/** Buffers inside a packet (MQTT 5 correlation data) come back as Buffers, not {type, data}. */
function reviveBuffers(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    const data = (value as { data?: unknown }).data;
    if (Array.isArray(data)) return Buffer.from(data as number[]);
  }
  return value;
}

export function decodeBody(body: Buffer): JournalRecord {
  const op = body[0] ?? 0;
  const kind = body[1];
  const metaBytes = body.readUInt32LE(2);
  const json = body.toString('utf8', BODY_HEADER_BYTES, BODY_HEADER_BYTES + metaBytes);
  const meta = (json.includes('"Buffer"') ? JSON.parse(json, reviveBuffers) : JSON.parse(json)) as Meta;
  const rest = body.subarray(BODY_HEADER_BYTES + metaBytes);
  // A copy: the file buffer it came from is large and would stay alive as long as one payload does.
  const payload =
    kind === PayloadKind.buffer
      ? Buffer.from(rest)
      : kind === PayloadKind.string
        ? rest.toString('utf8')
        : undefined;
  return { op, meta, payload };
}

/** Splits a journal file into record bodies, stopping at the first record that is short or fails its CRC. */
export function scanRecords(buf: Buffer): Scan {
  return scanFrames(buf, { maxBodyBytes: MAX_RECORD_BYTES, minBodyBytes: BODY_HEADER_BYTES });
}
