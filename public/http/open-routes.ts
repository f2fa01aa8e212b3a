import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PublicDeps } from '../app.ts';
import { latestRows, readingSpan } from '../core/latest.ts';
import { ClientRateLimiter } from '../core/rate-limit.ts';
import type { IspuPoint, LatestReading } from '../core/source.ts';
import type { PublicStation } from '../core/stations.ts';
import { timeRange } from '../core/time-range.ts';
import { TtlCache } from '../core/ttl-cache.ts';
import { formatOf, type Rendered, render, sendRendered } from './answer.ts';
import { docsPage } from './docs-page.ts';
import { registerMeasurementRoutes } from './measurement-routes.ts';
import { API_PREFIX, openApiDocument } from './openapi.ts';
import { problemFor } from './problem.ts';
import { Params, querySchema } from './schemas.ts';

export { API_PREFIX };

const ISPU_HISTORY_MAX_DAYS = 31;

export type IspuRow = {
  station: string;
  time: string;
  ispu: number;
  category: string;
  dominant: string;
  sub_indices: Record<string, number>;
};

const ispuRow = (station: string, p: IspuPoint): IspuRow => ({
  station,
  time: new Date(p.ts).toISOString(),
  ispu: p.ispu,
  category: p.category.toLowerCase().replace(/\s+/g, '_'),
  dominant: p.dominant,
  sub_indices: p.subIndices,
});

/**
 * The open-data API (issue 17): public stations only (the deps' list is already filtered), read-only,
 * no login, open to every origin, limited per client address. Latest values and ISPU are read from
 * InfluxDB at most once per TTL and rendered once for everyone.
 */
export function registerOpenRoutes(app: FastifyInstance, deps: PublicDeps): void {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.cacheTtlS * 1000;
  const limiter = new ClientRateLimiter(deps.rateLimit);

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(`${API_PREFIX}/`)) return;
    reply.header('access-control-allow-origin', '*');
    const wait = limiter.take(req.ip, now());
    if (wait > 0)
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send(problemFor(req, 'open.error.rate_limited', { seconds: wait }));
  });
  // A preflight (a client sending If-None-Match from a page) may read; nothing else is offered.
  app.options(`${API_PREFIX}/*`, async (_req, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, HEAD')
      .header('access-control-allow-headers', 'accept, if-none-match')
      .header('access-control-max-age', '86400')
      .send(),
  );

  const ispuLatest = new TtlCache(
    () => deps.data.ispuLatest(idsOf(deps.stations(), 'air_quality')),
    ttlMs,
    now,
  );
  const latest = new TtlCache(
    async () => {
      const stations = deps.stations();
      const kinds = [...new Set(stations.map((s) => s.kind))];
      const [ispu, ...perKind] = await Promise.all([
        ispuLatest.get(),
        ...kinds.map((kind) => deps.data.latest(kind, idsOf(stations, kind))),
      ]);
      const readings = new Map<string, LatestReading>(perKind.flatMap((m) => [...m]));
      const span = readingSpan(readings);
      const decisions = span
        ? deps.decisions(
            stations.map((s) => s.id),
            span[0],
            span[1],
          )
        : [];
      return render(latestRows({ stations, readings, ispu, decisions }));
    },
    ttlMs,
    now,
  );
  const ispuRendered = new TtlCache(
    async () => {
      const points = await ispuLatest.get();
      return render(
        deps
          .stations()
          .flatMap((s) => (points.has(s.id) ? [ispuRow(s.id, points.get(s.id) as IspuPoint)] : [])),
      );
    },
    ttlMs,
    now,
  );
  // The station list changes only when the registry does: rendered once per list.
  const stationLists = new WeakMap<readonly PublicStation[], Rendered>();
  const stationsRendered = () => {
    const list = deps.stations();
    const known = stationLists.get(list);
    if (known) return known;
    const rendered = render(list);
    stationLists.set(list, rendered);
    return rendered;
  };

  const send = (req: FastifyRequest, reply: FastifyReply, rendered: Rendered, maxAgeS = deps.cacheTtlS) => {
    const format = formatOf(req);
    if (!format) return reply.code(400).send(problemFor(req, 'open.error.bad_format'));
    return sendRendered(req, reply, rendered, format, maxAgeS);
  };
  const fromStore = async <T>(req: FastifyRequest, reply: FastifyReply, work: () => Promise<T>) => {
    try {
      return await work();
    } catch (err) {
      deps.log.warn({ err, url: req.url }, 'open-data read failed');
      reply.code(503).header('retry-after', '5').send(problemFor(req, 'open.error.unavailable'));
      return undefined;
    }
  };
  const common = { querystring: querySchema([Params.format, Params.lang]) };

  app.get(`${API_PREFIX}/stations`, { schema: common }, async (req, reply) =>
    send(req, reply, stationsRendered(), 300),
  );
  app.get<{ Params: { id: string } }>(
    `${API_PREFIX}/stations/:id`,
    { schema: common },
    async (req, reply) => {
      const station = deps.stations().find((s) => s.id === req.params.id);
      if (!station) return reply.code(404).send(problemFor(req, 'open.error.no_station'));
      const rendered = render([station]);
      return send(req, reply, { ...rendered, json: Buffer.from(JSON.stringify({ data: station })) }, 300);
    },
  );
  app.get(`${API_PREFIX}/latest`, { schema: common }, async (req, reply) => {
    const rendered = await fromStore(req, reply, () => latest.get());
    return rendered ? send(req, reply, rendered) : reply;
  });
  app.get(`${API_PREFIX}/ispu/latest`, { schema: common }, async (req, reply) => {
    const rendered = await fromStore(req, reply, () => ispuRendered.get());
    return rendered ? send(req, reply, rendered) : reply;
  });
  const historyQuery = querySchema([Params.station, Params.from, Params.to, Params.format, Params.lang]);
  app.get<{ Querystring: { station: string; from?: string; to?: string } }>(
    `${API_PREFIX}/ispu/history`,
    { schema: { querystring: historyQuery } },
    async (req, reply) => {
      const station = deps.stations().find((s) => s.id === req.query.station && s.kind === 'air_quality');
      if (!station) return reply.code(404).send(problemFor(req, 'open.error.no_station'));
      const range = timeRange(req.query, now(), ISPU_HISTORY_MAX_DAYS);
      if ('problem' in range) return reply.code(400).send(problemFor(req, range.problem, range.params));
      const points = await fromStore(req, reply, () =>
        deps.data.ispuHistory(station.id, range.from, range.to),
      );
      if (!points) return reply;
      const rows = points.sort((a, b) => a.ts - b.ts).map((p) => ispuRow(station.id, p));
      return send(req, reply, render(rows), 60);
    },
  );
  registerMeasurementRoutes(app, { ...deps, now, send, fromStore });

  const document = Buffer.from(JSON.stringify(openApiDocument()));
  app.get(`${API_PREFIX}/openapi.json`, async (_req, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(document),
  );
  app.get(`${API_PREFIX}/docs`, { schema: common }, async (req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(docsPage(req)),
  );
}

const idsOf = (stations: readonly PublicStation[], kind: string) =>
  stations.filter((s) => s.kind === kind).map((s) => s.id);
