import { shippedKinds } from './kinds/index.ts';
import { type KindSpec, parseKindSpec } from './spec.ts';

export type { FieldSpec, KindSpec } from './spec.ts';
export { KIND_ID_PATTERN, STATION_ID_PATTERN } from './spec.ts';

function checked(input: unknown): KindSpec {
  const parsed = parseKindSpec(input);
  if (parsed.ok) return parsed.kind;
  const id = (input as { id?: unknown } | null)?.id;
  throw new Error(`catalogue entry '${String(id)}': ${parsed.problem}`);
}

// Validated at load: a malformed shipped entry stops every process at start-up, not at the first reading.
const registered: KindSpec[] = shippedKinds.map(({ spec }) => checked(spec));

/** Every sensor kind the pipeline knows: the shipped ones (kinds/index.ts), then any registered at run time. */
export const kinds: readonly KindSpec[] = registered;

const byId = new Map(kinds.map((k) => [k.id, k]));
if (byId.size !== kinds.length) throw new Error('the catalogue lists a kind id twice');

export function findKind(id: string): KindSpec | undefined {
  return byId.get(id);
}

/**
 * Adds a kind at run time, in this process only: for a kind defined by a data file (a kind folder,
 * simulators/kind-folder.ts) or a plug-in. Every component that looks kinds up through findKind sees it
 * from then on. A kind that ships with the project belongs in kinds/index.ts instead, so that the
 * broker, ingest and flows processes all know it. Refuses a malformed or duplicate entry; returns the
 * entry as registered.
 */
export function registerKind(input: unknown): KindSpec {
  const parsed = parseKindSpec(input);
  const id = (input as { id?: unknown } | null)?.id;
  if (!parsed.ok) throw new Error(`cannot register kind '${String(id)}': ${parsed.problem}`);
  const kind = parsed.kind;
  if (byId.has(kind.id)) throw new Error(`cannot register kind '${kind.id}': it is already registered`);
  registered.push(kind);
  byId.set(kind.id, kind);
  return kind;
}
