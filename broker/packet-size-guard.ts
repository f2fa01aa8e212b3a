import type { Duplex } from 'node:stream';
import { inspectReads } from './aedes-internals.ts';

/**
 * Refuses an MQTT packet as soon as its fixed header announces more than `maxRemainingLength` bytes,
 * before the body arrives: mqtt-packet (aedes's parser) has no size cap and would buffer a 100 MB
 * PUBLISH whole. Pure state machine over the byte stream: fixed header = 1 type byte + the Remaining
 * Length, 1 to 4 bytes of 7-bit groups (MQTT 3.1.1 section 2.2.3), then that many bytes of body.
 */
export class PacketSizeGuard {
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #multiplier = 1;
  #bodyLeft = 0;
  readonly #max: number;

  constructor(maxRemainingLength: number) {
    this.#max = maxRemainingLength;
  }

  /** Scans a chunk; false once a packet is too large or its Remaining Length is malformed. */
  feed(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'body') {
        const take = Math.min(this.#bodyLeft, chunk.length - i);
        this.#bodyLeft -= take;
        i += take;
        if (this.#bodyLeft === 0) this.#state = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.#state === 'type') {
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      if (this.#length > this.#max) return false;
      if (byte & 0x80) {
        this.#multiplier *= 128;
        // [MQTT-2.2.3]: at most four length bytes.
        if (this.#multiplier > 128 ** 3) return false;
        continue;
      }
      this.#bodyLeft = this.#length;
      this.#state = this.#bodyLeft === 0 ? 'type' : 'body';
    }
    return true;
  }
}

/**
 * Puts the guard in front of aedes on one connection: every chunk aedes reads passes it first
 * (aedes-internals.ts, inspectReads). On a violation the connection is destroyed before the parser
 * sees the chunk.
 */
export function guardPacketSize(conn: Duplex, maxRemainingLength: number, onViolation: () => void): void {
  const guard = new PacketSizeGuard(maxRemainingLength);
  inspectReads(conn, (chunk) => {
    if (guard.feed(chunk)) return true;
    onViolation();
    conn.destroy();
    return false;
  });
}
