import { createV1Writer } from '../lib/influx/v1-writer.ts';
import { createV2Writer } from '../lib/influx/v2-writer.ts';
import type { PointWriter } from '../lib/influx/write-error.ts';
import type { IngestConfig } from './config.ts';

/** The InfluxDB writer the configuration asks for: v1 `/write` or the official v2 client. */
export function createWriter(config: IngestConfig): PointWriter {
  const timeoutMs = config.batch.writeTimeoutMs;
  return config.influx.version === 1
    ? createV1Writer({ ...config.influx, timeoutMs })
    : createV2Writer({ ...config.influx, timeoutMs });
}
