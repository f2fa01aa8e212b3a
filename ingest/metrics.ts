import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the spool gauges read (spool/spool.ts). */
export type SpoolBacklog = { readonly depth: number; readonly bytes: number };

/** Prometheus metrics of one ingest worker (a registry per instance, so tests can run several). */
export function createIngestMetrics() {
  const registry = new Registry();
  // Read from the spool at each scrape, not set along the way: whatever appended (MQTT, HTTP) and however
  // long the drainer sits in a retry, the gauges are the spool's own count (issue 13, item 3).
  let spool: SpoolBacklog | undefined;
  return {
    registry,
    /** The spool the backlog gauges report. */
    reportSpool(source: SpoolBacklog) {
      spool = source;
    },
    received: new Counter({
      name: 'ingest_messages_received_total',
      help: 'MQTT messages received',
      registers: [registry],
    }),
    stored: new Counter({
      name: 'ingest_readings_stored_total',
      help: 'Readings written to InfluxDB',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ingest_rejected_total',
      help: 'Messages or readings rejected, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    writeErrors: new Counter({
      name: 'ingest_write_errors_total',
      help: 'Failed InfluxDB writes, by kind (retryable, permanent)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'ingest_write_retries_total',
      help: 'Batch write retries',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'ingest_duplicates_total',
      help: 'QoS 1 redeliveries received (DUP flag); stored once in effect',
      registers: [registry],
    }),
    spoolReadings: new Gauge({
      name: 'ingest_spool_readings',
      help: 'Readings in the spool, not yet written to InfluxDB (nor dead-lettered)',
      registers: [registry],
      collect() {
        if (spool) this.set(spool.depth);
      },
    }),
    spoolBytes: new Gauge({
      name: 'ingest_spool_bytes',
      help: 'Bytes in the spool, not yet written',
      registers: [registry],
      collect() {
        if (spool) this.set(spool.bytes);
      },
    }),
    maintenanceWindows: new Gauge({
      name: 'ingest_maintenance_windows',
      help: 'Maintenance and calibration windows read from the records database (values inside get code 16)',
      registers: [registry],
    }),
    spoolFull: new Counter({
      name: 'ingest_spool_full_total',
      help: 'Times the spool reached its bound and acknowledgements paused',
      registers: [registry],
    }),
    httpRefused: new Counter({
      name: 'ingest_http_refused_total',
      help: 'HTTP ingest requests refused before decoding, by reason (unauthenticated, auth_backoff, busy, rate_limited, forbidden, spool_full)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connects: new Counter({
      name: 'ingest_mqtt_connects_total',
      help: 'Connections to the broker (the first, then every reconnect)',
      registers: [registry],
    }),
    notForwarded: new Counter({
      name: 'ingest_readings_not_forwarded_total',
      help: 'Stored readings not published to readings/...: past the forward bounds while the broker fell behind, or pending when the worker stopped',
      registers: [registry],
    }),
    forwardsPending: new Gauge({
      name: 'ingest_forwards_pending',
      help: 'QoS 1 readings/... forwards not yet acknowledged by the broker, in flight or waiting for the window',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'ingest_batch_lines',
      help: 'Lines per InfluxDB write',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000],
      registers: [registry],
    }),
    writeSeconds: new Histogram({
      name: 'ingest_write_duration_seconds',
      help: 'InfluxDB write latency',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
