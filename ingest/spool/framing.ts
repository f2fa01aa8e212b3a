import { crc32 } from 'node:zlib';

/**
 * Spool record framing: [u32 LE payload length][u32 LE CRC-32 of payload][payload]. The CRC finds
 * a torn tail after a power loss (a process crash cannot tear a write(2) to a regular file).
 */
export const HEADER_BYTES = 8;
/** A record larger than this is treated as corruption rather than read (payloads are capped far below). */
export const MAX_RECORD_BYTES = 1 << 20;

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

export type Unframed = { payloads: Buffer[]; consumed: number; corrupt: boolean };

/** Reads whole records from `buf` (up to `max`); `consumed` is where the next read starts. */
export function unframe(buf: Buffer, max: number): Unframed {
  const payloads: Buffer[] = [];
  let pos = 0;
  while (payloads.length < max && pos + HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32LE(pos);
    if (length > MAX_RECORD_BYTES) return { payloads, consumed: pos, corrupt: true };
    const end = pos + HEADER_BYTES + length;
    if (end > buf.length) break;
    const payload = buf.subarray(pos + HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32LE(pos + 4)) return { payloads, consumed: pos, corrupt: true };
    payloads.push(payload);
    pos = end;
  }
  return { payloads, consumed: pos, corrupt: false };
}
