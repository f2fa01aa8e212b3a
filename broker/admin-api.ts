import { createHash, timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RegistryEditor } from '../lib/registry/editor.ts';
import { addDevices, restoreDevice, revokeDevice, rotateDevice } from '../lib/registry/provision.ts';
import type { Device } from '../lib/registry/schema.ts';
import type { ScryptCost } from '../lib/registry/secrets.ts';
import { integrationRoutes } from './admin-integrations.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Bearer-token check in constant time: both sides are hashed first, so lengths never differ. */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
}

// Request validation here is only the shape; DeviceSchema (registry/schema.ts) has the final word.
const stationFields = {
  id: { type: 'string', description: 'station id, [a-z0-9][a-z0-9-]{0,63}' },
  kind: { type: 'string', description: 'sensor kind from the catalogue, e.g. air_quality' },
  name: { type: 'string' },
  district: { type: 'string', description: 'kecamatan' },
  operator: { type: 'string' },
  lat: { type: 'number' },
  lon: { type: 'number' },
} as const;
const deviceView = {
  type: 'object',
  properties: { ...stationFields, revoked: { type: 'boolean' }, created_at: { type: 'string' } },
} as const;
const issued = {
  type: 'object',
  properties: { id: { type: 'string' }, kind: { type: 'string' }, secret: { type: 'string' } },
} as const;
const error = { type: 'object', properties: { error: { type: 'string' } } } as const;
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const security = [{ bearer: [] }];

const view = ({ secret_hash: _hash, ...device }: Device) => device;

type NewDeviceBody = {
  id: string;
  kind: string;
  name?: string;
  district?: string;
  operator?: string;
  lat?: number;
  lon?: number;
};

/**
 * The admin API over the device registry: the CLI's add/list/rotate/revoke/restore for provisioning systems.
 * Every /admin route needs `Authorization: Bearer <BROKER_ADMIN_TOKEN>`; secrets appear once, in the
 * response that issued them. Edits are applied to the running broker before the response is sent.
 */
export async function adminApi(
  app: FastifyInstance,
  options: { token: string; editor: RegistryEditor; scrypt?: ScryptCost },
): Promise<void> {
  const { editor, scrypt } = options;
  const expected = digest(options.token);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Depok broker admin API', version: '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/admin/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (admin) => {
    admin.addHook('onRequest', async (request: FastifyRequest, reply) => {
      if (request.url === '/admin/openapi.json') return;
      if (!bearerMatches(request.headers.authorization, expected))
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    });
    admin.setErrorHandler(
      (err: Error & { statusCode?: number; issues?: { message: string }[] }, request, reply) => {
        let code = err.statusCode ?? 500;
        let message = err.message;
        if (err.name === 'ZodError') [code, message] = [400, err.issues?.[0]?.message ?? 'invalid device'];
        else if (/^no device/.test(message)) code = 404;
        else if (/already exists/.test(message) || err.name === 'RevokedDevice') code = 409;
        else if (/^unknown kind/.test(message)) code = 400;
        // One error handler: 5xx is logged with the request and never leaks internals.
        if (code >= 500) request.log.error({ err }, 'admin request failed');
        reply.code(code).send({ error: code >= 500 ? 'internal error' : message });
      },
    );

    admin.get(
      '/admin/devices',
      { schema: { security, response: { 200: { type: 'array', items: deviceView }, 401: error } } },
      async () => (await editor.read()).devices.map(view),
    );
    admin.get<{ Params: { id: string } }>(
      '/admin/devices/:id',
      { schema: { security, params: idParam, response: { 200: deviceView, 401: error, 404: error } } },
      async (request, reply) => {
        const device = (await editor.read()).devices.find((d) => d.id === request.params.id);
        return device ? view(device) : reply.code(404).send({ error: `no device '${request.params.id}'` });
      },
    );
    admin.post<{ Body: NewDeviceBody }>(
      '/admin/devices',
      {
        schema: {
          security,
          body: {
            type: 'object',
            required: ['id', 'kind'],
            additionalProperties: false,
            properties: stationFields,
          },
          response: { 201: issued, 400: error, 401: error, 409: error },
        },
      },
      async (request, reply) => {
        const result = await editor.edit(async (registry) => {
          const added = await addDevices(registry, [request.body], scrypt);
          return { registry: added.registry, result: added.issued[0] };
        });
        return reply.code(201).send(result);
      },
    );
    const rekeyRoute = (action: 'rotate' | 'restore', change: typeof rotateDevice) =>
      admin.post<{ Params: { id: string } }>(
        `/admin/devices/:id/${action}`,
        {
          schema: {
            security,
            params: idParam,
            response: { 200: issued, 401: error, 404: error, 409: error },
          },
        },
        async (request) => {
          const { id } = request.params;
          return editor.edit(async (registry) => {
            const next = await change(registry, id, scrypt);
            const kind = next.registry.devices.find((d) => d.id === id)?.kind;
            return { registry: next.registry, result: { id, kind, secret: next.secret } };
          });
        },
      );
    // rotate keeps a revoked device revoked (409); restore re-enables one, with a new secret.
    rekeyRoute('rotate', rotateDevice);
    rekeyRoute('restore', restoreDevice);
    admin.post<{ Params: { id: string } }>(
      '/admin/devices/:id/revoke',
      { schema: { security, params: idParam, response: { 200: deviceView, 401: error, 404: error } } },
      async (request) => {
        const { id } = request.params;
        return editor.edit(async (registry) => {
          const next = revokeDevice(registry, id);
          return { registry: next, result: view(next.devices.find((d) => d.id === id) as Device) };
        });
      },
    );
    await integrationRoutes(admin, { editor, scrypt });
  });
}
