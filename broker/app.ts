import Fastify, { type FastifyInstance } from 'fastify';
import type { RegistryEditor } from '../lib/registry/editor.ts';
import type { ScryptCost } from '../lib/registry/secrets.ts';
import { adminApi } from './admin-api.ts';
import type { BrokerMetrics } from './metrics.ts';

export type BrokerAppDeps = {
  /** Clients connected right now (aedes's count), for /healthz. */
  connectedClients: () => number;
  metrics: BrokerMetrics;
  /** The admin API over the registry; undefined (no BROKER_ADMIN_TOKEN) leaves /admin unrouted. */
  admin?: { token: string; editor: RegistryEditor; scrypt?: ScryptCost | undefined } | undefined;
};

/**
 * The broker's HTTP face: health, Prometheus metrics and the admin API. Built without listening:
 * service.ts listens, tests call inject(). Bodies are capped at fastify's default 1 MiB (413 past it).
 */
export async function buildApp(deps: BrokerAppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok', connections: deps.connectedClients() }));
  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  if (deps.admin) await adminApi(app, deps.admin);
  return app;
}
