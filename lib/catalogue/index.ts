import { airQuality } from './air-quality.ts';
import type { KindSpec } from './types.ts';
import { wastewater } from './wastewater.ts';
import { waterNetwork } from './water-network.ts';

export type { FieldSpec, KindSpec } from './types.ts';

const registered: KindSpec[] = [airQuality, wastewater, waterNetwork];

/** Every sensor kind the pipeline knows. Adding a kind: a new file beside this one, one line above. */
export const kinds: readonly KindSpec[] = registered;

const byId = new Map(kinds.map((k) => [k.id, k]));

export function findKind(id: string): KindSpec | undefined {
  return byId.get(id);
}

export const KIND_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const STATION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FIELD_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Adds a kind at run time, in this process only: for a kind defined by a data file (see
 * simulators/README.md "Adding a kind") or a plug-in. Every component that looks kinds up through
 * findKind sees it from then on. A kind that ships with the project belongs in the list above instead,
 * so that the broker, ingest and flows processes all know it. Refuses a malformed or duplicate entry.
 */
export function registerKind(kind: KindSpec): KindSpec {
  const problems: string[] = [];
  if (!KIND_ID_PATTERN.test(kind.id)) problems.push(`id '${kind.id}' is not snake_case`);
  if (byId.has(kind.id)) problems.push(`kind '${kind.id}' is already registered`);
  if (!(kind.expectedIntervalS > 0)) problems.push('expectedIntervalS must be positive');
  const fields = Object.entries(kind.fields ?? {});
  if (fields.length === 0) problems.push('a kind needs at least one field');
  for (const [name, field] of fields) {
    if (!FIELD_PATTERN.test(name)) problems.push(`field '${name}' is not snake_case`);
    if (!field.unit) problems.push(`field '${name}' has no unit`);
    if (!(field.min < field.max)) problems.push(`field '${name}': min must be below max`);
  }
  if (problems.length > 0) throw new Error(`cannot register kind '${kind.id}': ${problems.join('; ')}`);
  registered.push(kind);
  byId.set(kind.id, kind);
  return kind;
}
