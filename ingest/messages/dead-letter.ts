import { topics } from '../../lib/catalogue/topics.ts';
import type { Logger } from '../../lib/log.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { Publish } from '../mqtt/client.ts';

/** Counts a refused message or reading and sends it, with its reason, to `ingest/rejected/...`. */
export type DeadLetter = (
  kind: string,
  station: string,
  reason: string,
  detail: string,
  payload?: Uint8Array,
) => void;

/** Bytes of the refused payload kept in the dead letter, enough to see what the device sent. */
const PREVIEW_BYTES = 256;

export function createDeadLetter(publish: Publish, metrics: IngestMetrics, log: Logger): DeadLetter {
  return (kind, station, reason, detail, payload) => {
    metrics.rejected.inc({ reason });
    log.debug({ kind, station, reason, detail }, 'rejected');
    const body = {
      reason,
      detail,
      kind,
      station,
      received_at: new Date().toISOString(),
      payload_preview: payload ? Buffer.from(payload.subarray(0, PREVIEW_BYTES)).toString('utf8') : undefined,
    };
    publish(topics.rejected(kind, station), JSON.stringify(body), 1);
  };
}
