import { z } from 'zod';
import { KIND_ID_PATTERN, STATION_ID_PATTERN } from '../catalogue/index.ts';
import { IntegrationSchema } from './integration-schema.ts';

// Registry attributes become InfluxDB tags and dashboard labels: printable, no newlines or backslashes.
const Label = z
  .string()
  .min(1)
  .max(128)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  .regex(/^[^\\\u0000-\u001f\u007f]+$/, 'must be printable text without backslashes');

export const DeviceSchema = z.strictObject({
  id: z.string().regex(STATION_ID_PATTERN, 'station ids match [a-z0-9][a-z0-9-]{0,63}'),
  kind: z.string().regex(KIND_ID_PATTERN),
  secret_hash: z.string().startsWith('scrypt$'),
  name: Label.optional(),
  district: Label.optional(),
  operator: Label.optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  revoked: z.boolean().default(false),
  created_at: z.string().optional(),
  /** Shown on the citizen page and the open-data API; absent: see isPublicStation (public.ts). */
  public: z.boolean().optional(),
  /** An industry's own outfall monitoring (self-monitoring): not public unless `public: true` says so. */
  self_monitoring: z.boolean().optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

/** Service roles and what each may touch are in ../acl.ts. */
export const ServiceRoles = ['ingest', 'flows', 'dashboard', 'operator'] as const;
export type ServiceRole = (typeof ServiceRoles)[number];

export const ServiceAccountSchema = z.strictObject({
  username: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
  role: z.enum(ServiceRoles),
  secret_hash: z.string().startsWith('scrypt$'),
  revoked: z.boolean().default(false),
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;

export const RegistrySchema = z
  .strictObject({
    devices: z.array(DeviceSchema).default([]),
    services: z.array(ServiceAccountSchema).default([]),
    // Optional, not defaulted: a registry without integrations is written back without the key.
    integrations: z.array(IntegrationSchema).optional(),
  })
  .superRefine((registry, ctx) => {
    const names = new Set<string>();
    for (const name of accountNames(registry)) {
      if (names.has(name))
        ctx.addIssue({
          code: 'custom',
          message: `'${name}' appears twice: ids and usernames are one namespace`,
        });
      names.add(name);
    }
  });
export type Registry = z.infer<typeof RegistrySchema>;

/** Every account name: device ids, service and integration usernames (one namespace). */
export function accountNames(registry: Pick<Registry, 'devices' | 'services' | 'integrations'>): string[] {
  return [
    ...registry.devices.map((d) => d.id),
    ...registry.services.map((s) => s.username),
    ...(registry.integrations ?? []).map((i) => i.username),
  ];
}
