import type { MqttClient } from 'mqtt';
import { topics } from '../../lib/catalogue/topics.ts';
import type { Reading } from '../core/reading.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { Publish } from '../mqtt/client.ts';

/** Publishes stored readings, normalized, on `readings/<kind>/<station>` for the alert flows. */
export type Forward = (stored: readonly Reading[]) => void;

/** Bytes written to the broker's socket and not yet taken by it, past which the live feed is skipped. */
const MAX_UNSENT_BYTES = 1 << 20;

// Only what is stored goes on to the flows: they never alert on a reading the archive lacks.
export function createForward(
  client: MqttClient,
  publish: Publish,
  qos: 0 | 1,
  metrics: IngestMetrics,
): Forward {
  const publishNormalized = (reading: Reading) => {
    // The live feed is QoS 0 and best effort: when the broker falls behind reading from us, skip it
    // (counted) rather than queue it in memory. Waiting instead would deadlock: the broker stops reading
    // our socket while its deliveries to us wait for our acknowledgements. The archive is unaffected.
    if (qos === 0 && (client.stream?.writableLength ?? 0) > MAX_UNSENT_BYTES) {
      metrics.notForwarded.inc();
      return;
    }
    const body: Record<string, unknown> = {
      kind: reading.kind,
      station: reading.station,
      ts: reading.ts,
      values: reading.values,
    };
    if (reading.seq !== undefined) body.seq = reading.seq;
    if (reading.validity) body.validity = reading.validity; // codes 11-18 (lib/validity/codes.ts), 0 valid
    if (Object.keys(reading.tags).length > 0) body.tags = reading.tags;
    publish(topics.normalized(reading.kind, reading.station), JSON.stringify(body), qos);
  };
  return (stored) => {
    for (const reading of stored) publishNormalized(reading);
  };
}
