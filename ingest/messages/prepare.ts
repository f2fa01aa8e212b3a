import { LineProtocolError } from '../../lib/influx/line-protocol.ts';
import { type DecodeContext, decodeMessage } from '../core/decode.ts';
import type { Reading } from '../core/reading.ts';
import { Reasons } from '../core/reasons.ts';
import { readingToLine } from '../core/to-point.ts';
import type { ValidityStage } from '../core/validity.ts';
import { encodeEntry } from '../spool/entry.ts';
import type { DeadLetter } from './dead-letter.ts';

export type Rejection = { reason: string; detail: string };

/** A message's spool entries and the readings they hold; `rejection`: the last thing refused, if any. */
export type Prepared = { entries: Buffer[]; stored: Reading[]; rejection?: Rejection };

export type Prepare = (topic: string, payload: Buffer) => Prepared;

/** Topic segments a dead letter may name: anything else becomes `unknown`. */
const SAFE_SEGMENT = /^[a-z0-9_-]{1,64}$/;

/**
 * One message, from MQTT or HTTP, decoded into spool entries; what is refused is counted and
 * dead-lettered here (a whole message, or one reading that line protocol cannot carry). Each accepted
 * value gets its validity code here, before the spool: a replayed spool keeps the codes it was given.
 */
export function createPrepare(
  context: Omit<DecodeContext, 'now'>,
  deadLetter: DeadLetter,
  validity: ValidityStage,
): Prepare {
  return (topic, payload) => {
    const now = Date.now();
    const result = decodeMessage(topic, payload, { ...context, now });
    if (!result.ok) {
      const [, kind = 'unknown', station = 'unknown'] = topic.split('/');
      deadLetter(
        SAFE_SEGMENT.test(kind) ? kind : 'unknown',
        SAFE_SEGMENT.test(station) ? station : 'unknown',
        result.reason,
        result.detail,
        payload,
      );
      return { entries: [], stored: [], rejection: { reason: result.reason, detail: result.detail } };
    }
    const prepared: Prepared = { entries: [], stored: [] };
    for (const reading of result.readings) {
      validity.assign(reading, now);
      try {
        prepared.entries.push(
          encodeEntry({ kind: reading.kind, station: reading.station, line: readingToLine(reading) }),
        );
        prepared.stored.push(reading);
      } catch (err) {
        if (!(err instanceof LineProtocolError)) throw err;
        deadLetter(reading.kind, reading.station, Reasons.writeRejected, err.message, payload);
        prepared.rejection = { reason: Reasons.writeRejected, detail: err.message };
      }
    }
    return prepared;
  };
}
