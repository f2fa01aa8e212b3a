import type { Scope } from '../../lib/records/access.ts';

/** What a scope decision needs of a station: its kind and its registry operator (when known). */
export type StationRef = { id: string; kind: string; operator?: string };

/** Whether a station is in a principal's scope; undefined means everything (unscoped). */
export type Visible = (station: StationRef) => boolean;

/**
 * The station filter of a scope (lib/records/access.ts): a station must be of a listed kind and, when
 * operators are listed, of a listed operator. A station whose operator is not known (seen on MQTT only,
 * no registry entry and no operator tag yet) is outside every operator scope: unknown is not "yours".
 */
export function scopeFilter(scope: Scope): Visible | undefined {
  if (scope.operators === undefined && scope.kinds === undefined) return undefined;
  const operators = scope.operators && new Set(scope.operators);
  const kinds = scope.kinds && new Set(scope.kinds);
  return (station) =>
    (!kinds || kinds.has(station.kind)) &&
    (!operators || (station.operator !== undefined && operators.has(station.operator)));
}
