import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Records } from '../../lib/records/database.ts';
import { actorOf } from '../auth/audit-log.ts';
import { PUBLIC_ACCESS } from '../auth/permissions.ts';
import type { LiveState } from '../core/live-state.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import { CaptureDesk } from '../qa/capture-desk.ts';
import type { QaActor, QaOutcome, StationLookup } from '../qa/common.ts';
import type { PointSource } from '../qa/influx-points.ts';
import { MaintenanceDesk } from '../qa/maintenance-desk.ts';
import { ValidationDesk } from '../qa/validation-desk.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';

// Maintenance, calibrations, validators' decisions and a station's data with its states (issue 15).
// The guards check the role (operators maintain, validators validate, every role reads); the desks
// check it again (the CLI has no guard), then the input, the station in the registry, the scope and
// the fields, and write each change with its audit row in one transaction.

export type QaRouteDeps = {
  records: Records;
  state: LiveState;
  /** InfluxDB, for the data view and the "range holds data" check; undefined: those answer 503. */
  points: PointSource | undefined;
  metrics: ConsoleMetrics;
  now: () => number;
};

/** Registry stations only (a station seen on MQTT alone has no operator to scope it by). */
export function registryStations(state: LiveState, now: () => number): StationLookup {
  return (id) => {
    const s = state.station(id, now());
    return s?.registered ? { id: s.id, kind: s.kind, operator: s.operator } : undefined;
  };
}

function who(req: FastifyRequest): QaActor {
  return { ...actorOf(req), access: req.principal?.access ?? PUBLIC_ACCESS };
}

type IdParams = { Params: { id: string } };
const idOf = (req: FastifyRequest<IdParams>) =>
  /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : -1;

export function registerQaRoutes(app: FastifyInstance, deps: QaRouteDeps, guard: Guards): void {
  const stations = registryStations(deps.state, deps.now);
  const maintenance = new MaintenanceDesk(deps.records, { stations, now: deps.now });
  const validation = new ValidationDesk(deps.records, { stations, points: deps.points, now: deps.now });
  const captureDesk = new CaptureDesk(deps.records, { stations, points: deps.points });
  const read = { preHandler: guard.readApi };
  const maintain = { preHandler: guard.write('maintain') };
  const validate = { preHandler: guard.write('validate') };

  const answer = <T>(reply: FastifyReply, outcome: QaOutcome<T>, key: string, status = 200) => {
    if (outcome.ok) return reply.code(status).send({ [key]: outcome.value });
    if (outcome.status === 403) deps.metrics.forbidden.inc({ permission: 'scope' });
    return reply.code(outcome.status).send(problem(outcome.code, outcome.params));
  };

  app.get('/api/maintenance', read, async (req, reply) =>
    answer(reply, maintenance.list(req.query, who(req)), 'windows'),
  );
  app.get<IdParams>('/api/maintenance/:id', read, async (req, reply) =>
    answer(reply, maintenance.get(idOf(req), who(req)), 'window'),
  );
  app.post('/api/maintenance', maintain, async (req, reply) =>
    answer(reply, maintenance.add(req.body, who(req)), 'window', 201),
  );
  app.patch<IdParams>('/api/maintenance/:id', maintain, async (req, reply) =>
    answer(reply, maintenance.change(idOf(req), req.body, who(req)), 'window'),
  );
  app.post<IdParams>('/api/maintenance/:id/end', maintain, async (req, reply) =>
    answer(reply, maintenance.end(idOf(req), req.body, who(req)), 'window'),
  );

  app.get('/api/calibrations', read, async (req, reply) =>
    answer(reply, maintenance.list(req.query, who(req), true), 'calibrations'),
  );
  app.post('/api/calibrations', maintain, async (req, reply) =>
    answer(reply, maintenance.addCalibration(req.body, who(req)), 'calibration', 201),
  );

  app.get('/api/validations', read, async (req, reply) =>
    answer(reply, validation.list(req.query, who(req)), 'validations'),
  );
  app.post('/api/validations', validate, async (req, reply) =>
    answer(reply, await validation.decide(req.body, who(req)), 'validation', 201),
  );

  app.get<IdParams>('/api/stations/:id/data', read, async (req, reply) => {
    const outcome = await validation.data(req.params.id, req.query, who(req));
    if (outcome.ok) return outcome.value;
    return answer(reply, outcome, 'data');
  });
  app.get<IdParams>('/api/stations/:id/capture', read, async (req, reply) => {
    const outcome = await captureDesk.capture(req.params.id, req.query, who(req));
    if (outcome.ok) return outcome.value;
    return answer(reply, outcome, 'capture');
  });
}
