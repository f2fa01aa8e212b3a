import type { FastifyInstance } from 'fastify';
import type { PublicDeps } from '../app.ts';
import { problemFor } from './problem.ts';

export const API_PREFIX = '/open/v1';

/** The open-data API (issue 17): public stations only, read-only, no login. */
export function registerOpenRoutes(app: FastifyInstance, deps: PublicDeps): void {
  app.get(`${API_PREFIX}/stations`, async () => ({ data: deps.stations() }));
  app.get<{ Params: { id: string } }>(`${API_PREFIX}/stations/:id`, async (req, reply) => {
    const station = deps.stations().find((s) => s.id === req.params.id);
    if (!station) return reply.code(404).send(problemFor(req, 'open.error.no_station'));
    return { data: station };
  });
}
