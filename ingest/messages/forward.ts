import Denque from 'denque';
import type { MqttClient } from 'mqtt';
import { topics } from '../../lib/catalogue/topics.ts';
import type { Logger } from '../../lib/log.ts';
import type { Reading } from '../core/reading.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { Publish } from '../mqtt/client.ts';

/** Publishes stored readings, normalized, on `readings/<kind>/<station>` for the alert flows. */
export type Forward = (stored: readonly Reading[]) => void;

export type ForwardBounds = {
  /** QoS 1 forwards sent and not yet acknowledged by the broker. */
  maxInFlight: number;
  /** Forwards waiting for the window, past which new ones are counted and skipped. */
  maxWaiting: number;
};

/**
 * 200 in flight is 20,000 forwards/s at a 10 ms round trip, and few for a saturated broker to work on;
 * the waiting ones are half a second of the benchmark's rate, minutes of a city's, about 4 MB (some 360
 * bytes of heap each). 5,000 and 50,000 ran the worker out of its 96 MB heap cap (README "Memory") in
 * the e2e benchmark, on top of the PUBACKs the saturated broker had not read yet.
 */
export const FORWARD_BOUNDS: ForwardBounds = { maxInFlight: 200, maxWaiting: 10_000 };

/** QoS 0 only: bytes written to the broker's socket and not yet taken by it, past which the feed is skipped. */
const MAX_UNSENT_BYTES = 1 << 20;

function normalized(reading: Reading): string {
  const body: Record<string, unknown> = {
    kind: reading.kind,
    station: reading.station,
    ts: reading.ts,
    values: reading.values,
  };
  if (reading.seq !== undefined) body.seq = reading.seq;
  if (reading.validity) body.validity = reading.validity; // codes 11-18 (lib/validity/codes.ts), 0 valid
  if (Object.keys(reading.tags).length > 0) body.tags = reading.tags;
  return JSON.stringify(body);
}

/**
 * Only what is stored goes on to the flows: they never alert on a reading the archive lacks. At QoS 1
 * the broker keeps each forward for the flows' persistent session while Node-RED is away (at least
 * once; the engine skips a redelivered reading by its device time).
 *
 * Why a window and not backpressure: the forwards share the worker's connection with the PUBACKs of
 * the devices' messages, and the broker's acknowledgements of our forwards come back on it too. Holding
 * a device message until a forward is acknowledged stops mqtt.js reading that socket, so the
 * acknowledgement never arrives: a deadlock (a second connection has the same cycle through the
 * broker's message bus, which our unread deliveries fill). So forwards wait here instead, in order,
 * within FORWARD_BOUNDS; what lies beyond is counted (`ingest_readings_not_forwarded_total`), never
 * queued without bound. A small window also keeps our PUBACKs from queueing behind megabytes of
 * forwards the broker has not read yet.
 */
export function createForward(
  client: MqttClient,
  publish: Publish,
  qos: 0 | 1,
  metrics: IngestMetrics,
  log: Logger,
  bounds: ForwardBounds = FORWARD_BOUNDS,
): Forward {
  if (qos === 0) return forwardAtMostOnce(client, publish, metrics);
  const waiting = new Denque<{ topic: string; body: string }>();
  let inFlight = 0;
  let stopping = false;
  const stopped = () => client.disconnecting || client.disconnected;

  const onAcknowledged = (err?: Error) => {
    inFlight--;
    // Acknowledgement errors come only from a stopping client ("Connection closed").
    if (err) metrics.notForwarded.inc();
    if (stopped()) {
      if (!stopping && waiting.length > 0)
        log.warn({ readings: waiting.length }, 'the worker is stopping: readings stored, not forwarded');
      stopping = true;
      metrics.notForwarded.inc(waiting.length);
      waiting.clear();
    }
    while (inFlight < bounds.maxInFlight && waiting.length > 0) {
      const next = waiting.shift() as { topic: string; body: string };
      send(next.topic, next.body);
    }
    metrics.forwardsPending.set(inFlight + waiting.length);
  };
  const send = (topic: string, body: string) => {
    inFlight++;
    publish(topic, body, 1, onAcknowledged);
  };

  return (stored) => {
    for (const reading of stored) {
      const topic = topics.normalized(reading.kind, reading.station);
      if (inFlight < bounds.maxInFlight && waiting.length === 0) send(topic, normalized(reading));
      else if (waiting.length < bounds.maxWaiting) waiting.push({ topic, body: normalized(reading) });
      else metrics.notForwarded.inc();
    }
    metrics.forwardsPending.set(inFlight + waiting.length);
  };
}

/**
 * INGEST_READINGS_QOS=0: a live view only. When the broker falls behind reading from us, skip (counted)
 * rather than queue in memory; waiting would deadlock, as above.
 */
function forwardAtMostOnce(client: MqttClient, publish: Publish, metrics: IngestMetrics): Forward {
  return (stored) => {
    for (const reading of stored) {
      if ((client.stream?.writableLength ?? 0) > MAX_UNSENT_BYTES) {
        metrics.notForwarded.inc();
        continue;
      }
      publish(topics.normalized(reading.kind, reading.station), normalized(reading), 0);
    }
  };
}
