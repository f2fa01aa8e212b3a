import { airQuality } from './air-quality.ts';
import type { KindSpec } from './types.ts';
import { wastewater } from './wastewater.ts';
import { waterNetwork } from './water-network.ts';

export type { FieldSpec, KindSpec } from './types.ts';

/** Every sensor kind the pipeline knows. Adding a kind: a new file beside this one, one line here. */
export const kinds: readonly KindSpec[] = [airQuality, wastewater, waterNetwork];

const byId = new Map(kinds.map((k) => [k.id, k]));

export function findKind(id: string): KindSpec | undefined {
  return byId.get(id);
}

export const KIND_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const STATION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
