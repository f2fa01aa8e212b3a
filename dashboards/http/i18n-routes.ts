import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { catalogue, isLanguage, type Language, Languages, negotiateLanguage } from '../../lib/i18n/index.ts';
import { actorOf } from '../auth/audit-log.ts';
import type { UserAdmin } from '../auth/user-admin.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';
import { type AuthDeps, principalOf, readCookie } from './security.ts';
import type { Asset } from './static.ts';

/** Set by the language switch before there is a user to save the choice for (the login page). */
export const LANGUAGE_COOKIE = 'console_lang';

/**
 * The language of a page or of words for this request: the logged-in user's preference, else the
 * language chosen on the login page, else the browser's `Accept-Language`, else Indonesian.
 */
export async function requestLanguage(req: FastifyRequest, deps: AuthDeps): Promise<Language> {
  const principal = req.principal ?? (await principalOf(req, deps));
  if (principal?.via === 'session') {
    const user = deps.users.user(principal.name);
    if (user) return user.language;
  }
  const chosen = readCookie(req.headers.cookie, LANGUAGE_COOKIE);
  if (isLanguage(chosen)) return chosen;
  return negotiateLanguage(req.headers['accept-language']);
}

const catalogueFiles = new Map(
  Languages.map((lang) => {
    const body = JSON.stringify(catalogue(lang));
    return [
      `${lang}.json`,
      { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"` },
    ];
  }),
);

const MePatchSchema = z.strictObject({ language: z.string().max(16) });

export type I18nRouteDeps = { auth: AuthDeps; admin: UserAdmin; assets: Map<string, Asset> };

export function registerI18nRoutes(app: FastifyInstance, deps: I18nRouteDeps, guard: Guards): void {
  // Public (the login page needs it) and cacheable: the same for everyone, changed only by a release.
  app.get<{ Params: { file: string } }>('/i18n/:file', async (req, reply) => {
    const file = catalogueFiles.get(req.params.file);
    if (!file) return reply.code(404).send(problem('error.not_found'));
    reply.header('cache-control', 'public, max-age=300').header('etag', file.etag);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(file.body);
  });

  // lib/i18n's formatting code, which the console's modules import by its path in the source tree.
  app.get<{ Params: { name: string } }>('/lib/i18n/:name', async (req, reply) => {
    const asset = deps.assets.get(`lib/i18n/${req.params.name}`);
    if (!asset) return reply.code(404).send(problem('error.not_found'));
    return reply.type(asset.type).send(asset.body);
  });

  // The one thing users change about themselves; audited like any user change (user_changed).
  app.patch('/api/me', { preHandler: guard.write('read') }, async (req, reply) => {
    const body = MePatchSchema.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send(problem('error.me_body'));
    const { language } = body.data;
    if (!isLanguage(language)) {
      return reply
        .code(400)
        .send(problem('error.bad_language', { language, languages: Languages.join(', ') }));
    }
    const principal = req.principal;
    if (principal?.via !== 'session') return reply.code(400).send(problem('error.token_language'));
    const changed = await deps.admin.changeUser(principal.name, { language }, actorOf(req));
    if (!changed.ok) return reply.code(changed.status).send({ error: changed.problem });
    return { language: changed.value.language };
  });
}
