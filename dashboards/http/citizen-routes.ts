import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type CitizenAction,
  type CitizenReport,
  CitizenReportError,
  type CitizenStatus,
  CitizenStatuses,
} from '../../lib/records/citizen-reports.ts';
import type { Records } from '../../lib/records/database.ts';
import { type AuditRecorder, actorOf } from '../auth/audit-log.ts';
import { allows, PUBLIC_ACCESS } from '../auth/permissions.ts';
import type { LiveState } from '../core/live-state.ts';
import { stationFor } from '../qa/common.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';
import { registryStations } from './qa-routes.ts';

// Moderation of citizen reports (issue 17). Staff only: unlike the other read views, the queue is never
// open to anonymous readers (CONSOLE_PUBLIC_READ), since a report is not public until approved. Every
// role with `read` sees the queue; operators and admins (`maintain`) moderate and alone see the
// reporter's contact (least privilege). A station link must be a registry station in the moderator's
// scope. Each step is written with its audit row in one transaction; the audit row holds the step,
// never the contact or the description.

export type CitizenRouteDeps = {
  records: Records;
  state: LiveState;
  audit: AuditRecorder;
  now: () => number;
};

const PAGE = 100;
const ALERT_ID = /^[A-Za-z0-9_.:/-]{1,200}$/;
const ACTIONS: Record<string, CitizenAction> = {
  approve: 'approved',
  reject: 'rejected',
  link: 'linked',
  resolve: 'resolved',
};

type IdParams = { Params: { id: string } };
const idOf = (req: FastifyRequest<IdParams>) =>
  /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : -1;

const moderates = (req: FastifyRequest) => allows(req.principal?.access ?? PUBLIC_ACCESS, 'maintain');

/** A report as staff see it: the contact only for moderators. */
function staffView(r: CitizenReport, withContact: boolean) {
  const { contact, ...rest } = r;
  return withContact ? { ...rest, contact } : rest;
}

type StepBody = { reason?: unknown; answer?: unknown; station?: unknown; alert?: unknown };
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function registerCitizenRoutes(app: FastifyInstance, deps: CitizenRouteDeps, guard: Guards): void {
  const repo = deps.records.citizenReports;
  const stations = registryStations(deps.state, deps.now);
  const read = { preHandler: guard.view('read') };
  const moderate = { preHandler: guard.write('maintain') };

  app.get('/api/citizen-reports', read, async (req, reply) => {
    const query = req.query as { status?: string; cursor?: string };
    const status = query.status as CitizenStatus | undefined;
    if (status !== undefined && !CitizenStatuses.includes(status))
      return reply.code(400).send(problem('citizen.error.bad_action'));
    const cursor = query.cursor === undefined ? undefined : Number(query.cursor);
    if (cursor !== undefined && !Number.isInteger(cursor))
      return reply.code(400).send(problem('citizen.error.bad_page', { max: PAGE }));
    const rows = repo.list({
      statuses: status ? [status] : undefined,
      cursor,
      limit: PAGE + 1,
      newFirst: !status,
    });
    const page = rows.slice(0, PAGE);
    const withContact = moderates(req);
    const next = rows.length > PAGE ? page.at(-1)?.id : undefined;
    return {
      reports: page.map((r) => staffView(r, withContact)),
      canModerate: withContact,
      ...(next === undefined ? {} : { next }),
    };
  });

  app.get<IdParams>('/api/citizen-reports/:id', read, async (req, reply) => {
    const report = repo.get(idOf(req));
    if (!report) return reply.code(404).send(problem('citizen.error.not_found'));
    return { report: staffView(report, moderates(req)), history: repo.history(report.id) };
  });

  app.get<IdParams>('/api/citizen-reports/:id/photo', read, async (req, reply) => {
    const photo = repo.photo(idOf(req));
    if (!photo) return reply.code(404).send(problem('citizen.error.no_photo'));
    return reply
      .type('image/jpeg')
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(photo.jpeg));
  });

  app.post<IdParams & { Params: { action: string } }>(
    '/api/citizen-reports/:id/:action',
    moderate,
    async (req: FastifyRequest<{ Params: { id: string; action: string } }>, reply: FastifyReply) => {
      const action = ACTIONS[req.params.action];
      if (!action) return reply.code(404).send(problem('citizen.error.bad_action'));
      const body = (req.body ?? {}) as StepBody;
      const id = idOf(req);
      const actor = actorOf(req);
      let station: string | null | undefined;
      let alert: string | null | undefined;
      if (action === 'linked') {
        station = text(body.station)?.trim() || null;
        alert = text(body.alert)?.trim() || null;
        if (alert && !ALERT_ID.test(alert))
          return reply.code(400).send(problem('citizen.error.link_required'));
        if (station) {
          const who = { ...actor, access: req.principal?.access ?? PUBLIC_ACCESS };
          const found = stationFor(who, stations, station);
          if (!found.ok) {
            const code =
              found.status === 403 ? 'citizen.error.station_outside_scope' : 'citizen.error.station_unknown';
            return reply.code(found.status).send(problem(code, { station }));
          }
        }
      }
      const before = repo.get(id);
      if (!before) return reply.code(404).send(problem('citizen.error.not_found'));
      try {
        const after = deps.records.transaction(() => {
          const changed = repo.moderate(
            id,
            {
              action,
              actor: actor.name,
              note: text(body.reason),
              publicAnswer: text(body.answer),
              station,
              alert,
            },
            deps.now(),
          );
          deps.audit({
            actor: actor.name,
            via: actor.via,
            action: 'citizen_report_moderated',
            target: `citizen-report/${id}`,
            before: { status: before.status, station: before.station_id, alert: before.alert_id },
            after: {
              step: action,
              status: changed.status,
              station: changed.station_id,
              alert: changed.alert_id,
            },
            address: actor.address,
          });
          return changed;
        });
        return { report: staffView(after, true), history: repo.history(id) };
      } catch (err) {
        if (!(err instanceof CitizenReportError)) throw err;
        const status = err.code === 'citizen.error.transition' ? 409 : 400;
        return reply.code(status).send(problem(err.code));
      }
    },
  );
}
