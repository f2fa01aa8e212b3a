import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../lib/log.ts';
import {
  CitizenCategories,
  type CitizenReport,
  CitizenReportError,
  CONTACT_MAX,
  DESCRIPTION_MAX,
  inDepok,
  PUBLIC_STATUSES,
} from '../../lib/records/citizen-reports.ts';
import type { Records } from '../../lib/records/database.ts';
import { acceptPhoto, PHOTO_MAX_BYTES } from '../citizen/photo.ts';
import { refuse } from '../citizen/problem.ts';

// Citizen reports on the public service (issue 17): anyone may send one; the public sees only what staff
// approved, without the contact or moderation internals; the reporter follows theirs by its code.
// Every refusal is a problem+json with a catalogue message, and nothing is stored before every check
// passed (the photo is decoded and re-encoded before the row is written, in one transaction with it).

export type CitizenRouteDeps = { records?: Records | undefined; log: Logger; now?: () => number };

export type CitizenLimits = {
  /** Reports stored per sender address per hour (counted in the database, so a restart forgets none). */
  perHour: number;
  photoMaxBytes: number;
};
export const DEFAULT_CITIZEN_LIMITS: CitizenLimits = { perHour: 5, photoMaxBytes: PHOTO_MAX_BYTES };

const HOUR = 3_600_000;
const PAGE_MAX = 500;
// Base64 of the largest photo, plus the text fields and JSON punctuation.
const bodyLimit = (limits: CitizenLimits) => Math.ceil((limits.photoMaxBytes * 4) / 3) + 16 * 1024;

const ReportSchema = z.strictObject({
  category: z.enum(CitizenCategories),
  description: z.string().trim().min(1).max(DESCRIPTION_MAX),
  lat: z.number().finite(),
  lon: z.number().finite(),
  contact: z.string().trim().max(CONTACT_MAX).nullish(),
  photo: z.string().nullish(),
});

// The first problem, by field, as a catalogue key: what the form shows next to the field.
const FIELD_CODES: Record<string, string> = {
  category: 'citizen.error.category',
  description: 'citizen.error.description',
  lat: 'citizen.error.location',
  lon: 'citizen.error.location',
  contact: 'citizen.error.contact',
  photo: 'citizen.error.not_an_image',
};

/** What anyone may see of an approved report: no contact, no history, no sender. */
function publicView(r: CitizenReport) {
  return {
    id: r.id,
    category: r.category,
    description: r.description,
    lat: r.lat,
    lon: r.lon,
    status: r.status,
    public_answer: r.public_answer,
    photo: r.has_photo ? `/open/v1/citizen-reports/${r.id}/photo` : null,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}

export function citizenRoutes(limits: CitizenLimits = DEFAULT_CITIZEN_LIMITS) {
  return async (app: FastifyInstance, deps: CitizenRouteDeps): Promise<void> => {
    const records = deps.records;
    if (!records) {
      // A public service without a records database (the API alone) has no citizen reports: an empty
      // list, so the page's layer stays empty instead of failing.
      app.get('/open/v1/citizen-reports', async () => ({ reports: [] }));
      return;
    }
    const now = deps.now ?? Date.now;
    const repo = records.citizenReports;
    // Encapsulated: the error handler below answers this plugin's routes only.
    await app.register(async (scope) => {
      scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
        if (err.statusCode === 413) return refuse(req, reply, 413, 'citizen.error.too_large');
        if (err.statusCode === 415) return refuse(req, reply, 415, 'citizen.error.json_only');
        if (err.statusCode && err.statusCode < 500) return refuse(req, reply, 400, 'citizen.error.malformed');
        deps.log.error({ err: err.message, url: req.url }, 'citizen report failed');
        return refuse(req, reply, 500, 'citizen.error.internal');
      });

      const tooMany = async (req: FastifyRequest, reply: FastifyReply) => {
        // Checked before the body is read: a sender over the limit costs no decoding.
        const sent = repo.sentSince(repo.hashAddress(req.ip), now() - HOUR);
        if (sent.count < limits.perHour) return;
        const retry = Math.max(1, Math.ceil(((sent.oldest ?? now()) + HOUR - now()) / 1000));
        reply.header('retry-after', String(retry));
        return refuse(req, reply, 429, 'citizen.error.rate_limited', { minutes: Math.ceil(retry / 60) });
      };

      scope.post(
        '/open/v1/citizen-reports',
        { bodyLimit: bodyLimit(limits), onRequest: tooMany },
        async (req, reply) => {
          // fastify also parses text/plain; a report is JSON only.
          if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
            return refuse(req, reply, 415, 'citizen.error.json_only');
          const parsed = ReportSchema.safeParse(req.body);
          if (!parsed.success) {
            const field = String(parsed.error.issues[0]?.path[0] ?? '');
            return refuse(req, reply, 422, FIELD_CODES[field] ?? 'citizen.error.malformed');
          }
          const input = parsed.data;
          if (!inDepok(input.lat, input.lon)) return refuse(req, reply, 422, 'citizen.error.outside_depok');
          let photo = null;
          if (input.photo) {
            const outcome = await acceptPhoto(input.photo, limits.photoMaxBytes);
            if (!outcome.ok && outcome.reason === 'too_large')
              return refuse(req, reply, 413, 'citizen.error.photo_too_large', {
                mb: limits.photoMaxBytes / 2 ** 20,
              });
            if (!outcome.ok) return refuse(req, reply, 415, 'citizen.error.not_an_image');
            photo = outcome.photo;
          }
          // Re-checked after the photo's await: two reports sent at once must not both pass the limit.
          if (repo.sentSince(repo.hashAddress(req.ip), now() - HOUR).count >= limits.perHour)
            return tooMany(req, reply);
          try {
            const stored = repo.insert({ ...input, photo, addressHash: repo.hashAddress(req.ip) }, now());
            return reply.code(201).send({ code: stored.code, status: stored.status });
          } catch (err) {
            if (err instanceof CitizenReportError) return refuse(req, reply, 422, err.code);
            throw err;
          }
        },
      );

      scope.get('/open/v1/citizen-reports', async (req, reply) => {
        const query = req.query as { cursor?: string; limit?: string };
        const limit = query.limit === undefined ? 200 : Number(query.limit);
        const cursor = query.cursor === undefined ? undefined : Number(query.cursor);
        if (
          !Number.isInteger(limit) ||
          limit < 1 ||
          limit > PAGE_MAX ||
          (cursor !== undefined && !Number.isInteger(cursor))
        )
          return refuse(req, reply, 400, 'citizen.error.bad_page', { max: PAGE_MAX });
        const rows = repo.list({ statuses: PUBLIC_STATUSES, limit: limit + 1, cursor });
        const page = rows.slice(0, limit);
        const next = rows.length > limit ? page.at(-1)?.id : undefined;
        reply.header('cache-control', 'public, max-age=30');
        return { reports: page.map(publicView), ...(next === undefined ? {} : { next: String(next) }) };
      });

      // The reporter's view: status and public answer only (a rejection's reason stays internal).
      scope.get<{ Params: { code: string } }>('/open/v1/citizen-reports/:code', async (req, reply) => {
        const report = repo.byCode(req.params.code);
        if (!report) return refuse(req, reply, 404, 'citizen.error.unknown_code');
        return {
          code: report.code,
          category: report.category,
          status: report.status,
          public_answer: report.public_answer,
          created_at: new Date(report.created_at).toISOString(),
          updated_at: new Date(report.updated_at).toISOString(),
        };
      });

      scope.get<{ Params: { id: string } }>('/open/v1/citizen-reports/:id/photo', async (req, reply) => {
        const id = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : -1;
        const report = repo.get(id);
        const photo = report && PUBLIC_STATUSES.includes(report.status) ? repo.photo(id) : undefined;
        if (!photo) return refuse(req, reply, 404, 'citizen.error.no_photo');
        return reply
          .type('image/jpeg')
          .header('cache-control', 'public, max-age=300')
          .send(Buffer.from(photo.jpeg));
      });
    });
  };
}

/** The plugin as the public service's app registers it, with the default limits. */
export const registerCitizenRoutes = citizenRoutes();
