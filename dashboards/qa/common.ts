import type { z } from 'zod';
import { findKind } from '../../lib/catalogue/index.ts';
import type { Access } from '../../lib/records/access.ts';
import { allows, type Permission, Permissions } from '../auth/permissions.ts';
import type { Actor } from '../auth/user-admin.ts';
import { type StationRef, scopeFilter } from '../core/scope.ts';

// What the maintenance and validation desks share: who asks, how a refusal looks, and the checks every
// change makes in the same order (role, input, station in the registry, scope, fields in the catalogue).

/** Whoever asks, with the roles and scope that decide what they may see and change. */
export type QaActor = Actor & { access: Access };

export type QaRefusal = { ok: false; status: 400 | 403 | 404 | 409 | 502 | 503; problem: string };
export type QaOutcome<T> = { ok: true; value: T } | QaRefusal;

export const refuse = (status: QaRefusal['status'], problem: string): QaRefusal => ({
  ok: false,
  status,
  problem,
});

/** A station of the registry (revoked devices are none); undefined when the registry has no such id. */
export type StationLookup = (id: string) => StationRef | undefined;

export function permitted(who: QaActor, permission: Permission): QaRefusal | undefined {
  if (allows(who.access, permission)) return undefined;
  return refuse(403, `your roles do not allow this (needs ${Permissions[permission].join(' or ')})`);
}

/** Whether the actor's scope lets them see the station (unscoped: every station). */
export function inScope(who: QaActor, station: StationRef): boolean {
  const visible = scopeFilter(who.access.scope);
  return !visible || visible(station);
}

/**
 * The station as the registry knows it, if the actor may see it. Out of scope is 403 whether or not
 * the station exists, so a scoped user learns nothing about other operators' stations.
 */
export function stationFor(who: QaActor, lookup: StationLookup, id: string): QaOutcome<StationRef> {
  const station = lookup(id);
  const visible = scopeFilter(who.access.scope);
  if (visible && !visible(station ?? { id, kind: '' }))
    return refuse(403, `station '${id}' is outside your scope`);
  if (!station) return refuse(404, `station '${id}' is not in the registry`);
  return { ok: true, value: station };
}

/** Fields must be the station kind's (catalogue); the problem lists the kind's fields. */
export function fieldProblem(kindId: string, fields: readonly string[]): string | undefined {
  const kind = findKind(kindId);
  if (!kind) return `the station's kind '${kindId}' is not in the catalogue`;
  const known = Object.keys(kind.fields);
  const unknown = fields.find((f) => !known.includes(f));
  if (unknown === undefined) return undefined;
  return `unknown field '${unknown}' for kind ${kindId} (fields: ${known.join(', ')})`;
}

/** The first problem of a zod parse as `path: message`. */
export function inputProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid input'}`;
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
