import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../lib/log.ts';
import type { Records } from '../lib/records/database.ts';
import type { DecisionSource, PublicData, WindowSource } from './core/source.ts';
import type { PublicStation } from './core/stations.ts';
import { registerCitizenRoutes } from './http/citizen-routes.ts';
import { registerOpenRoutes } from './http/open-routes.ts';
import { registerPageRoutes } from './http/page-routes.ts';
import { problemFor } from './http/problem.ts';
import { securityHeaders } from './http/security.ts';

export type PublicDeps = {
  /** The public stations as of now (the registry filtered by lib/registry/public.ts), sorted by id. */
  stations: () => readonly PublicStation[];
  data: PublicData;
  decisions: DecisionSource;
  /** Maintenance windows for capture; undefined: none are left out. */
  windows?: WindowSource;
  /** The records database (citizen reports); undefined in tests that need none. */
  records?: Records;
  /** Latest values and ISPU are read at most once per TTL; also the answers' `max-age`. */
  cacheTtlS: number;
  rateLimit: { perMinute: number; burst: number };
  tileUrl?: string | undefined;
  /** fastify's trustProxy: false takes the socket's address, else X-Forwarded-For's client. */
  trustProxy: boolean | string;
  log: Logger;
  now?: () => number;
  /** public/page/ unless a test points elsewhere. */
  pageDir?: string;
};

/** A capability of the public service: one file under http/, given the same deps. */
export type PublicPlugin = (app: FastifyInstance, deps: PublicDeps) => void | Promise<void>;

/**
 * The public service's plugins, in order: the open-data API, the citizen page. A new capability (the
 * citizen reports) is one more line here.
 */
export const PLUGINS: readonly PublicPlugin[] = [
  registerOpenRoutes,
  registerCitizenRoutes,
  registerPageRoutes,
];

/** The public face: no login anywhere, so nothing here may reveal what is not public. Never listens. */
export async function buildPublicApp(
  deps: PublicDeps,
  plugins: readonly PublicPlugin[] = PLUGINS,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, trustProxy: deps.trustProxy });
  app.addHook('onRequest', securityHeaders(deps.tileUrl));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.setNotFoundHandler((req, reply) => reply.code(404).send(problemFor(req, 'open.error.not_found')));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    // A query string that breaks its schema (http/schemas.ts): name the parameter and what it must be.
    const issue = err.validation?.[0];
    if (issue) {
      const missing = (issue.params as { missingProperty?: string }).missingProperty;
      const param = missing ?? issue.instancePath.replace(/^\//, '');
      return reply
        .code(400)
        .send(problemFor(req, 'open.error.bad_param', { param, problem: issue.message ?? '' }));
    }
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send(problemFor(req, 'open.error.bad_request'));
    deps.log.error({ err, url: req.url }, 'public request failed');
    return reply.code(500).send(problemFor(req, 'open.error.internal'));
  });
  // After the handlers: a plugin that awaits app.register() (citizen reports) starts the boot, and
  // routes registered before a handler is set would keep fastify's default one.
  for (const plugin of plugins) await plugin(app, deps);
  return app;
}
