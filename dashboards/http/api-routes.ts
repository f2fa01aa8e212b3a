import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findKind, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { topics } from '../../lib/catalogue/topics.ts';
import type { Logger } from '../../lib/log.ts';
import { type AuditRecorder, actorOf } from '../auth/audit-log.ts';
import { PUBLIC_ACCESS } from '../auth/permissions.ts';
import type { FieldSeries } from '../core/history-query.ts';
import type { LiveState } from '../core/live-state.ts';
import { AckRequestSchema } from '../core/messages.ts';
import { type StationRef, scopeFilter, type Visible } from '../core/scope.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';

export type AckMessage = { by: string; comment?: string };

export type ApiDeps = {
  state: LiveState;
  metrics: ConsoleMetrics;
  log: Logger;
  now: () => number;
  history: (kind: string, station: string, hours: number) => Promise<FieldSeries[]>;
  /** Publishes on `alerts/<kind>/<station>/<rule>/ack`; undefined when no operator account is configured. */
  ack: ((topic: string, message: AckMessage) => Promise<void>) | undefined;
  audit: AuditRecorder;
};

/** The station filter of whoever asks: a principal's scope, or everything for public readers. */
export function visibleTo(req: FastifyRequest): Visible | undefined {
  return scopeFilter((req.principal?.access ?? PUBLIC_ACCESS).scope);
}

const HistoryQuerySchema = z.object({ hours: z.coerce.number().int().min(1).max(744).default(24) });
const AlertParamsSchema = z.object({
  kind: z.string().refine((k) => findKind(k) !== undefined, 'unknown kind'),
  station: z.string().regex(STATION_ID_PATTERN),
  rule: z.string().regex(/^[^+#/\s]{1,128}$/),
});

/** 403 for a station outside the principal's scope (issue 14); true when it was sent. */
export function outOfScope(
  req: FastifyRequest,
  reply: FastifyReply,
  station: StationRef,
  deps: Pick<ApiDeps, 'metrics'>,
): boolean {
  const visible = visibleTo(req);
  if (!visible || visible(station)) return false;
  deps.metrics.forbidden.inc({ permission: 'scope' });
  reply.code(403).send(problem('error.outside_scope'));
  return true;
}

/** Every route filters by the asker's scope: out-of-scope stations are left out of lists, 403 one by one. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guards): void {
  const read = { preHandler: guard.readApi };

  app.get('/api/status', read, async (req) => {
    const now = deps.now();
    const visible = visibleTo(req);
    return { now, summary: deps.state.summary(now, visible), stations: deps.state.stations(now, visible) };
  });

  app.get('/api/alerts', read, async (req) => ({ alerts: deps.state.alerts(visibleTo(req)) }));

  app.get<{ Params: { id: string } }>('/api/stations/:id', read, async (req, reply) => {
    const station = deps.state.station(req.params.id, deps.now());
    if (!station) return reply.code(404).send(problem('error.unknown_station'));
    if (outOfScope(req, reply, station, deps)) return;
    const alerts = deps.state.alerts().filter((a) => a.station === station.id);
    const ispu = deps.state.ispu().find((i) => i.station === station.id);
    return { station, alerts, ispu, kind: findKind(station.kind) && kindFields(station.kind) };
  });

  app.get<{ Params: { id: string } }>('/api/stations/:id/history', read, async (req, reply) => {
    const station = deps.state.station(req.params.id, deps.now());
    if (!station) return reply.code(404).send(problem('error.unknown_station'));
    if (outOfScope(req, reply, station, deps)) return;
    const query = HistoryQuerySchema.safeParse(req.query);
    if (!query.success) return reply.code(400).send(problem('error.bad_hours', { max: 744 }));
    try {
      const series = await deps.history(station.kind, station.id, query.data.hours);
      deps.metrics.historyQueries.inc({ result: 'ok' });
      return { station: station.id, kind: station.kind, hours: query.data.hours, series };
    } catch (err) {
      deps.metrics.historyQueries.inc({ result: 'error' });
      deps.log.warn({ err: (err as Error).message, station: station.id }, 'history query failed');
      return reply.code(502).send(problem('error.history_failed'));
    }
  });

  app.post<{ Params: Record<string, string> }>(
    '/api/alerts/:kind/:station/:rule/ack',
    { preHandler: guard.write('acknowledge') },
    async (req, reply) => {
      const params = AlertParamsSchema.safeParse(req.params);
      if (!params.success) return reply.code(404).send(problem('error.unknown_alert'));
      // Scope before existence: an out-of-scope principal learns nothing about that station's alerts.
      if (outOfScope(req, reply, deps.state.ref(params.data.station, params.data.kind), deps)) return;
      const body = AckRequestSchema.safeParse(req.body ?? {});
      if (!body.success) return reply.code(400).send(problem('error.ack_body', { max: 500 }));
      const { kind, station, rule } = params.data;
      const id = `${kind}/${station}/${rule}`;
      const alert = deps.state.alert(id);
      if (!alert) return reply.code(404).send(problem('error.no_active_alert'));
      if (alert.state !== 'raised')
        return reply.code(409).send(problem('error.alert_state', { state: alert.state }));
      if (!deps.ack) return reply.code(503).send(problem('error.ack_not_configured'));
      const by = req.principal?.name ?? 'unknown';
      const message: AckMessage = body.data.comment ? { by, comment: body.data.comment } : { by };
      const topic = topics.alertAck(kind, station, rule);
      try {
        await deps.ack(topic, message);
      } catch (err) {
        deps.metrics.acks.inc({ result: 'error' });
        deps.log.error({ err: (err as Error).message, id }, 'ack publish failed');
        return reply.code(502).send(problem('error.ack_not_published'));
      }
      deps.metrics.acks.inc({ result: 'ok' });
      deps.log.info({ id, by, via: req.principal?.via }, 'alert acknowledged');
      const { name, via, address } = actorOf(req);
      deps.audit({ actor: name, via, address, action: 'alert_acknowledged', target: id, after: message });
      return reply.code(202).send({ id, topic, ...message });
    },
  );
}

function kindFields(kindId: string) {
  const kind = findKind(kindId);
  if (!kind) return undefined;
  return {
    id: kind.id,
    title: kind.title,
    expectedIntervalS: kind.expectedIntervalS,
    fields: Object.entries(kind.fields).map(([field, f]) => ({
      field,
      unit: f.unit,
      description: f.description,
    })),
  };
}
