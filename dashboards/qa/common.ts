import type { z } from 'zod';
import { findKind, type KindSpec } from '../../lib/catalogue/index.ts';
import { type Translator, translator } from '../../lib/i18n/index.ts';
import type { Access } from '../../lib/records/access.ts';
import { allows, type Permission, Permissions } from '../auth/permissions.ts';
import type { Actor } from '../auth/user-admin.ts';
import { type StationRef, scopeFilter } from '../core/scope.ts';
import type { PointSource } from './influx-points.ts';

// What the maintenance and validation desks share: who asks, how a refusal looks, and the checks every
// change makes in the same order (role, input, station in the registry, scope, fields in the catalogue).

/** Whoever asks, with the roles and scope that decide what they may see and change. */
export type QaActor = Actor & { access: Access };

/** The values of a refusal's message (lib/i18n/locales/, `error.qa.*` and others). */
export type QaParams = NonNullable<Parameters<Translator['t']>[1]>;
export type QaReason = { code: string; params?: QaParams };
/**
 * A refusal: `code` and `params` name the message in the catalogue (the console words it in the
 * viewer's language), `problem` is its English text for the CLI, scripts and logs.
 */
export type QaRefusal = QaReason & {
  ok: false;
  status: 400 | 403 | 404 | 409 | 502 | 503;
  problem: string;
};
export type QaOutcome<T> = { ok: true; value: T } | QaRefusal;

const english = translator('en');

export function refuse(status: QaRefusal['status'], code: string, params?: QaParams): QaRefusal {
  const problem = english.t(code, params);
  return params ? { ok: false, status, code, params, problem } : { ok: false, status, code, problem };
}

export const refuseFor = (status: QaRefusal['status'], reason: QaReason): QaRefusal =>
  refuse(status, reason.code, reason.params);

/** A station of the registry (revoked devices are none); undefined when the registry has no such id. */
export type StationLookup = (id: string) => StationRef | undefined;

export function permitted(who: QaActor, permission: Permission): QaRefusal | undefined {
  if (allows(who.access, permission)) return undefined;
  return refuse(403, 'error.forbidden', { roles: Permissions[permission].join(' | ') });
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
    return refuse(403, 'error.qa.station_outside_scope', { station: id });
  if (!station) return refuse(404, 'error.qa.station_not_registered', { station: id });
  return { ok: true, value: station };
}

/**
 * The station (registered, in scope), its catalogue kind and the fields asked for (none: all the kind's),
 * checked in that order, as the data and capture views need them before reading InfluxDB.
 */
export function stationFields(
  who: QaActor,
  lookup: StationLookup,
  id: string,
  asked: readonly string[] | undefined,
): QaOutcome<{ station: StationRef; kind: KindSpec; fields: string[] }> {
  const station = stationFor(who, lookup, id);
  if (!station.ok) return station;
  const kind = findKind(station.value.kind);
  if (!kind) return refuse(404, 'error.qa.kind_unknown', { kind: station.value.kind });
  const fields = asked?.length ? [...new Set(asked)] : Object.keys(kind.fields);
  const unknown = fieldProblem(kind.id, fields);
  if (unknown) return refuseFor(400, unknown);
  return { ok: true, value: { station: station.value, kind, fields } };
}

/** Fields must be the station kind's (catalogue); the problem lists the kind's fields. */
export function fieldProblem(kindId: string, fields: readonly string[]): QaReason | undefined {
  const kind = findKind(kindId);
  if (!kind) return { code: 'error.qa.kind_unknown', params: { kind: kindId } };
  const known = Object.keys(kind.fields);
  const unknown = fields.find((f) => !known.includes(f));
  if (unknown === undefined) return undefined;
  return {
    code: 'error.qa.unknown_field',
    params: { field: unknown, kind: kindId, fields: known.join(', ') },
  };
}

/**
 * The first problem of a zod parse, by the field it concerns: our own checks carry a catalogue key as
 * their message (inputs.ts); zod's built-in ones (too long, not one of...) come as English `detail`.
 */
export function inputProblem(error: z.ZodError): QaReason {
  const issue = error.issues[0];
  const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
  const field = issue?.path.join('.') || unknown || 'input';
  const message = issue?.message ?? 'invalid input';
  if (/^error\.[a-z_.]+$/.test(message)) return { code: message, params: { field } };
  return { code: 'error.qa.bad_input', params: { field, detail: message } };
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const DAY_MS = 86_400_000;

/** A read's span: `to` after `from`, and at most `maxDays` long (`tooLong` names the refusal). */
export function spanProblem(
  from: number,
  to: number,
  maxDays: number,
  tooLong: QaReason,
): QaRefusal | undefined {
  if (to <= from) return refuse(400, 'error.qa.to_after_from');
  if (to - from > maxDays * DAY_MS) return refuseFor(400, tooLong);
  return undefined;
}

/** Reads from InfluxDB as every QA route refuses: 503 when the console has none, 502 when it fails. */
export async function fromInflux<T>(
  points: PointSource | undefined,
  read: (points: PointSource) => Promise<T>,
): Promise<QaOutcome<T>> {
  if (!points) return refuse(503, 'error.qa.no_influx');
  try {
    return { ok: true, value: await read(points) };
  } catch (err) {
    return refuse(502, 'error.qa.influx_failed', { detail: (err as Error).message });
  }
}
