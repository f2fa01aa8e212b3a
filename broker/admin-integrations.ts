import type { FastifyInstance } from 'fastify';
import type { RegistryEditor } from '../lib/registry/editor.ts';
import { MAX_PATTERNS } from '../lib/registry/integration-schema.ts';
import {
  addIntegration,
  integrationView,
  type NewIntegration,
  removeIntegration,
} from '../lib/registry/integrations.ts';
import type { ScryptCost } from '../lib/registry/secrets.ts';

// Request validation here is only the shape; the registry's IntegrationSchema has the final word
// (valid filters, the topic contract), and its refusals answer 400 with the reasons.
const patterns = { type: 'array', maxItems: MAX_PATTERNS, items: { type: 'string' } } as const;
const rules = {
  publish: { ...patterns, description: 'MQTT filters it may publish to' },
  subscribe: { ...patterns, description: 'MQTT filters it may subscribe to' },
  deny: { ...patterns, description: 'filters neither published nor read, whatever the others allow' },
  read_devices: { type: 'boolean', description: "may read devices' own topics (sensors/..., cmd/...)" },
} as const;
const view = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    ...rules,
    revoked: { type: 'boolean' },
    created_at: { type: 'string' },
  },
} as const;
const issued = { ...view, properties: { ...view.properties, secret: { type: 'string' } } } as const;
const error = { type: 'object', properties: { error: { type: 'string' } } } as const;
const nameParam = {
  type: 'object',
  properties: { username: { type: 'string' } },
  required: ['username'],
} as const;
const security = [{ bearer: [] }];

/**
 * The admin API over integration accounts, the CLI's `integration add|list|remove`: registered inside
 * admin-api.ts's authenticated scope (its bearer check and error handler apply). The secret appears
 * once, in the 201 that issued it; a removed account's live session is closed before the answer.
 */
export async function integrationRoutes(
  admin: FastifyInstance,
  options: { editor: RegistryEditor; scrypt?: ScryptCost | undefined },
): Promise<void> {
  const { editor, scrypt } = options;
  admin.get(
    '/admin/integrations',
    { schema: { security, response: { 200: { type: 'array', items: view }, 401: error } } },
    async () => ((await editor.read()).integrations ?? []).map(integrationView),
  );
  admin.post<{ Body: NewIntegration }>(
    '/admin/integrations',
    {
      schema: {
        security,
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: { username: { type: 'string' }, ...rules },
        },
        response: { 201: issued, 400: error, 401: error, 409: error },
      },
    },
    async (request, reply) => {
      const result = await editor.edit(async (registry) => {
        const added = await addIntegration(registry, request.body, scrypt);
        return { registry: added.registry, result: { ...added.integration, secret: added.secret } };
      });
      return reply.code(201).send(result);
    },
  );
  admin.delete<{ Params: { username: string } }>(
    '/admin/integrations/:username',
    { schema: { security, params: nameParam, response: { 401: error, 404: error } } },
    async (request) => {
      const { username } = request.params;
      await editor.edit(async (registry) => ({
        registry: removeIntegration(registry, username),
        result: null,
      }));
      return { username, removed: true };
    },
  );
}
