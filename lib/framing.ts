import { crc32 } from 'node:zlib';

/**
 * Record framing shared by the ingest spool and the broker journal: [u32 LE body length][u32 LE CRC-32
 * of the body][body]. The CRC finds a record torn by a crash or power loss in the middle of a write.
 */
export const FRAME_HEADER_BYTES = 8;

/** What a power loss may cost an append-only file: each file's README says it in full. */
export const FsyncPolicies = ['none', 'interval', 'always'] as const;
export type FsyncPolicy = (typeof FsyncPolicies)[number];

/** A frame for a body of `bodyBytes` that the caller writes at FRAME_HEADER_BYTES, then seals. */
export function allocFrame(bodyBytes: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyBytes);
  out.writeUInt32LE(bodyBytes, 0);
  return out;
}

/** Writes the CRC of the frame's body: call once the body is in place. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

export function frame(body: Buffer): Buffer {
  const out = allocFrame(body.length);
  body.copy(out, FRAME_HEADER_BYTES);
  return sealFrame(out);
}

export type Scan = {
  /** Bodies of whole, valid records, as views into the scanned buffer. */
  bodies: Buffer[];
  /** Bytes of those records from the start: where the next read or append goes. */
  consumed: number;
  /** `partial`: a record cut short at the end (torn tail, or not all read yet); `corrupt`: bad length or CRC. */
  stopped: 'end' | 'partial' | 'corrupt';
};

/** Reads whole records from the start of `buf`, up to `maxRecords`, stopping at the first bad one. */
export function scanFrames(
  buf: Buffer,
  limits: { maxBodyBytes: number; minBodyBytes?: number; maxRecords?: number },
): Scan {
  const { maxBodyBytes, minBodyBytes = 0, maxRecords = Number.POSITIVE_INFINITY } = limits;
  const bodies: Buffer[] = [];
  let pos = 0;
  while (bodies.length < maxRecords && pos < buf.length) {
    if (pos + FRAME_HEADER_BYTES > buf.length) return { bodies, consumed: pos, stopped: 'partial' };
    const length = buf.readUInt32LE(pos);
    if (length < minBodyBytes || length > maxBodyBytes) return { bodies, consumed: pos, stopped: 'corrupt' };
    const end = pos + FRAME_HEADER_BYTES + length;
    if (end > buf.length) return { bodies, consumed: pos, stopped: 'partial' };
    const body = buf.subarray(pos + FRAME_HEADER_BYTES, end);
    if (crc32(body) !== buf.readUInt32LE(pos + 4)) return { bodies, consumed: pos, stopped: 'corrupt' };
    bodies.push(body);
    pos = end;
  }
  return { bodies, consumed: pos, stopped: 'end' };
}
