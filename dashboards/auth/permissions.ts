import type { Access, Role } from '../../lib/records/access.ts';

/**
 * What each role allows (issue 14). `admin` allows everything: before roles existed every user could do
 * everything, and migrated users keep that as admins. `validate` and `maintain` are for later issues
 * (official data, maintenance log); they are here so those routes have a name to ask for.
 */
export const Permissions = {
  read: ['admin', 'operator', 'validator', 'viewer'],
  acknowledge: ['admin', 'operator'],
  maintain: ['admin', 'operator'],
  validate: ['admin', 'validator'],
  /** Generating a report now (issue 16): CPU and InfluxDB work, so not for viewers (they download). */
  report: ['admin', 'operator', 'validator'],
  administer: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof Permissions;

export function allows(access: Access, permission: Permission): boolean {
  const granted: readonly Role[] = Permissions[permission];
  return access.roles.some((role) => granted.includes(role));
}

/** Anonymous readers when CONSOLE_PUBLIC_READ is on: read everything, change nothing. */
export const PUBLIC_ACCESS: Access = { roles: ['viewer'], scope: {} };
