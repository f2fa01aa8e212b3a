import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../lib/log.ts';
import type { LoginLimiter } from '../auth/sessions.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import {
  type AuthDeps,
  cookieName,
  crossSiteReason,
  principalOf,
  readCookie,
  sessionCookie,
} from './security.ts';

const LoginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export type AuthRouteDeps = AuthDeps & { limiter: LoginLimiter; metrics: ConsoleMetrics; log: Logger };

/** Guards: reads may be public (CONSOLE_PUBLIC_READ); every state change needs a principal. */
export function guards(deps: AuthDeps, publicRead: boolean) {
  const readApi = async (req: FastifyRequest, reply: FastifyReply) => {
    if (publicRead || (await principalOf(req, deps))) return;
    reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'login required' });
  };
  const readPage = async (req: FastifyRequest, reply: FastifyReply) => {
    if (publicRead || (await principalOf(req, deps))) return;
    reply.redirect('/login', 303);
  };
  const write = async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = await principalOf(req, deps);
    if (!principal) {
      reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'login required' });
      return;
    }
    const reason = principal.via === 'session' ? crossSiteReason(req) : undefined;
    if (reason) {
      reply.code(403).send({ error: `refused: ${reason}` });
      return;
    }
    req.principal = principal;
  };
  return { readApi, readPage, write };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: { name: string; via: 'session' | 'token' };
  }
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  app.post('/api/login', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send({ error: `refused: ${reason}` });
    const key = req.ip;
    if (deps.limiter.blocked(key)) {
      deps.metrics.logins.inc({ result: 'limited' });
      return reply.code(429).send({ error: 'too many failed logins; try again later' });
    }
    const body = LoginSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'username and password are required' });
    const { username, password } = body.data;
    if (!(await deps.users.verifyPassword(username, password))) {
      deps.limiter.fail(key);
      deps.metrics.logins.inc({ result: 'failed' });
      // The user name is logged (audit), the password never is.
      deps.log.info({ username, ip: req.ip }, 'console login failed');
      return reply.code(401).send({ error: 'wrong user name or password' });
    }
    deps.limiter.succeed(key);
    deps.metrics.logins.inc({ result: 'ok' });
    deps.log.info({ username, ip: req.ip }, 'console login');
    const token = deps.sessions.create(username);
    reply.header('set-cookie', sessionCookie(deps, token, Math.floor(deps.sessionTtlMs / 1000)));
    return { username };
  });

  app.post('/api/logout', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send({ error: `refused: ${reason}` });
    const cookie = readCookie(req.headers.cookie, cookieName(deps.secureCookie));
    if (cookie) deps.sessions.delete(cookie);
    reply.header('set-cookie', sessionCookie(deps, '', 0));
    return reply.code(204).send();
  });

  app.get('/api/me', async (req, reply) => {
    const principal = await principalOf(req, deps);
    if (!principal) return reply.code(401).send({ error: 'not logged in' });
    return { username: principal.name, via: principal.via };
  });
}
