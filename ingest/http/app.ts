import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/log.ts';
import type { IngestMetrics } from '../metrics.ts';
import { type HttpIngest, readingsRoute } from './readings-route.ts';

/** What /readyz reports: the worker is ready when both hold. */
export type Readiness = {
  mqttConnected(): boolean;
  /** InfluxDB answers its ping (asked at most every READY_CACHE_MS). */
  influxReachable(): Promise<boolean>;
};

export type IngestAppDeps = {
  metrics: IngestMetrics;
  readiness: Readiness;
  log: Logger;
  /** The HTTP ingest endpoint; undefined: not served (no registry to authenticate devices against). */
  ingest?: HttpIngest | undefined;
  /**
   * Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client:
   * failed secret checks are held back per client address, which behind a proxy is otherwise the proxy's.
   */
  trustProxy?: string | undefined;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
};

/** How long an InfluxDB ping answer is reused, so a probe every second does not ping every second. */
const READY_CACHE_MS = 5000;

/** The ingest's HTTP face, built without listening (the service listens; tests call inject()). */
export async function buildIngestApp(deps: IngestAppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: deps.trustProxy || false });
  const now = deps.now ?? Date.now;
  let influxOk = false;
  let checkedAt: number | undefined;

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready = connected to the broker and InfluxDB answers its ping.
  app.get('/readyz', async (_req, reply) => {
    if (checkedAt === undefined || now() - checkedAt > READY_CACHE_MS) {
      influxOk = await deps.readiness.influxReachable();
      checkedAt = now();
    }
    const mqtt = deps.readiness.mqttConnected();
    const ready = mqtt && influxOk;
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', mqtt, influx: influxOk };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  if (deps.ingest) app.register(readingsRoute, { ingest: deps.ingest, metrics: deps.metrics, now });

  app.setErrorHandler((err, request, reply) => {
    deps.log.error({ err, url: request.url }, 'http error');
    reply.code(500).send({ error: 'internal error' });
  });
  return app;
}
