import { type Integration, IntegrationRulesSchema, IntegrationSchema } from './integration-schema.ts';
import { accountNames, type Registry } from './schema.ts';
import { generateSecret, hashSecret, type ScryptCost } from './secrets.ts';

/** What the CLI and the admin API take: a name and its rules (validated here, the one place). */
export type NewIntegration = {
  username: string;
  publish?: string[];
  subscribe?: string[];
  deny?: string[];
  read_devices?: boolean;
};

/** An integration as listed: never its hash. */
export type IntegrationView = Omit<Integration, 'secret_hash'>;

export const integrationView = ({ secret_hash: _hash, ...rest }: Integration): IntegrationView => rest;

/** An edit refused because of what was asked, with the HTTP status the admin API answers. */
export class IntegrationError extends Error {
  override name = 'IntegrationError';
  readonly statusCode: number;
  constructor(message: string, statusCode: number) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Adds an integration account; returns the new registry and its one-time secret. */
export async function addIntegration(
  registry: Registry,
  spec: NewIntegration,
  cost?: ScryptCost,
): Promise<{ registry: Registry; secret: string; integration: IntegrationView }> {
  const { username, ...asked } = spec;
  if (accountNames(registry).includes(username))
    throw new IntegrationError(`'${username}' already exists in the registry`, 409);
  const rules = IntegrationRulesSchema.safeParse(asked);
  if (!rules.success) throw new IntegrationError(rules.error.issues.map((i) => i.message).join('; '), 400);
  const secret = generateSecret();
  const parsed = IntegrationSchema.safeParse({
    username,
    ...rules.data,
    secret_hash: await hashSecret(secret, cost),
    revoked: false,
    created_at: new Date().toISOString(),
  });
  if (!parsed.success) throw new IntegrationError(parsed.error.issues.map((i) => i.message).join('; '), 400);
  const integrations = [...(registry.integrations ?? []), parsed.data];
  return { registry: { ...registry, integrations }, secret, integration: integrationView(parsed.data) };
}

/** Removes an integration account; the broker closes its live session when it reloads the registry. */
export function removeIntegration(registry: Registry, username: string): Registry {
  const integrations = registry.integrations ?? [];
  if (!integrations.some((i) => i.username === username))
    throw new IntegrationError(`no integration '${username}'`, 404);
  return { ...registry, integrations: integrations.filter((i) => i.username !== username) };
}
