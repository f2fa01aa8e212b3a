import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/audit-log.ts';
import type { Outcome, UserAdmin } from '../auth/user-admin.ts';
import type { Guards } from './auth-routes.ts';

// The admin API for users and tokens (issue 14): admin role only, the same checks as the users CLI
// (auth/user-admin.ts), each change audited with the admin's name and address.

const Names = z.array(z.string().max(128)).max(64);
/** null: no restriction on this axis; an array: these only (empty is refused by the checks). */
const ScopeFields = { operators: Names.nullable().optional(), kinds: Names.nullable().optional() };
const Roles = z.array(z.string().max(32)).max(8);
const Password = z.string().max(4096);

const NewUserSchema = z.strictObject({
  username: z.string().max(64),
  password: Password,
  roles: Roles,
  language: z.string().max(8).optional(),
  ...ScopeFields,
});
const UserPatchSchema = z.strictObject({
  password: Password.optional(),
  roles: Roles.optional(),
  language: z.string().max(8).optional(),
  ...ScopeFields,
});
const NewTokenSchema = z.strictObject({ name: z.string().max(64), roles: Roles, ...ScopeFields });
const TokenPatchSchema = z.strictObject({ roles: Roles.optional(), ...ScopeFields });

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) {
    if (Object.keys(parsed.data as object).length > 0) return parsed.data;
    reply.code(400).send({ error: 'nothing to change' });
    return undefined;
  }
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  reply.code(400).send({ error: `${where}${issue?.message ?? 'invalid body'}` });
  return undefined;
}

function answer<T>(reply: FastifyReply, outcome: Outcome<T>, status: number, key: string) {
  if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.problem });
  if (status === 204) return reply.code(204).send();
  return reply.code(status).send({ [key]: outcome.value });
}

export function registerAdminRoutes(app: FastifyInstance, admin: UserAdmin, guard: Guards): void {
  const view = { preHandler: guard.view('administer') };
  const write = { preHandler: guard.write('administer') };
  type Named = { Params: { name: string } };

  app.get('/api/admin/users', view, async () => ({ users: admin.listUsers() }));
  app.post('/api/admin/users', write, async (req, reply) => {
    const body = parse(NewUserSchema, req.body, reply);
    if (body) return answer(reply, await admin.addUser(body, actorOf(req)), 201, 'user');
  });
  app.patch<Named>('/api/admin/users/:name', write, async (req, reply) => {
    const body = parse(UserPatchSchema, req.body, reply);
    if (body) return answer(reply, await admin.changeUser(req.params.name, body, actorOf(req)), 200, 'user');
  });
  app.delete<Named>('/api/admin/users/:name', write, async (req, reply) =>
    answer(reply, admin.removeUser(req.params.name, actorOf(req)), 204, 'user'),
  );

  app.get('/api/admin/tokens', view, async () => ({ tokens: admin.listTokens() }));
  app.post('/api/admin/tokens', write, async (req, reply) => {
    const body = parse(NewTokenSchema, req.body, reply);
    // The answer carries the token, once; only its digest is stored.
    if (body) return answer(reply, await admin.addToken(body, actorOf(req)), 201, 'token');
  });
  app.patch<Named>('/api/admin/tokens/:name', write, async (req, reply) => {
    const body = parse(TokenPatchSchema, req.body, reply);
    if (body)
      return answer(reply, await admin.changeToken(req.params.name, body, actorOf(req)), 200, 'token');
  });
  app.delete<Named>('/api/admin/tokens/:name', write, async (req, reply) =>
    answer(reply, admin.removeToken(req.params.name, actorOf(req)), 204, 'token'),
  );
}
