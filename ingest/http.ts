import Fastify, { type FastifyInstance } from 'fastify';
import type { PointWriter } from '../lib/influx/write-error.ts';
import type { Logger } from '../lib/log.ts';
import { type HttpIngest, registerHttpIngest } from './http-ingest.ts';
import type { IngestMetrics } from './metrics.ts';

export type HttpDeps = {
  metrics: IngestMetrics;
  isConnected: () => boolean;
  writer: PointWriter;
  log: Logger;
  /** The HTTP ingest endpoint; undefined: not served (no registry to authenticate devices against). */
  ingest?: HttpIngest | undefined;
};

/** The ingest's HTTP face, built without listening (tests call inject()). */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  let influxOk = false;
  let checkedAt = 0;

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready = connected to the broker and InfluxDB answers its ping (cached for 5 s).
  app.get('/readyz', async (_req, reply) => {
    if (Date.now() - checkedAt > 5000) {
      influxOk = await deps.writer.ping();
      checkedAt = Date.now();
    }
    const mqtt = deps.isConnected();
    const ready = mqtt && influxOk;
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', mqtt, influx: influxOk };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  if (deps.ingest) registerHttpIngest(app, deps.ingest, deps.metrics);

  app.setErrorHandler((err, request, reply) => {
    deps.log.error({ err, url: request.url }, 'http error');
    reply.code(500).send({ error: 'internal error' });
  });
  return app;
}
