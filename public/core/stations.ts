import { findKind } from '../../lib/catalogue/index.ts';
import { translator } from '../../lib/i18n/index.ts';
import { isPublicStation } from '../../lib/registry/public.ts';
import type { Device } from '../../lib/registry/schema.ts';

export type PublicParameter = { field: string; unit: string; label: { id: string; en: string } };

/** What the open-data API says about a station: registry metadata, never a secret or a flag. */
export type PublicStation = {
  id: string;
  name: string;
  kind: string;
  district: string | null;
  operator: string | null;
  lat: number | null;
  lon: number | null;
  parameters: PublicParameter[];
};

const id = translator('id');
const en = translator('en');

/** The catalogue's fields of a kind, with units and their names in both languages (lib/i18n `field.*`). */
export function parametersOf(kind: string): PublicParameter[] {
  const spec = findKind(kind);
  if (!spec) return [];
  return Object.entries(spec.fields).map(([field, f]) => ({
    field,
    unit: f.unit,
    label: { id: id.t(`field.${kind}.${field}`), en: en.t(`field.${kind}.${field}`) },
  }));
}

/**
 * The public stations of a registry, sorted by id: revoked, marked not public and self-monitoring
 * devices are left out here, once, so no endpoint can forget to (lib/registry/public.ts).
 */
export function publicStations(devices: readonly Device[]): PublicStation[] {
  return devices
    .filter((d) => isPublicStation(d) && findKind(d.kind))
    .map((d) => ({
      id: d.id,
      name: d.name ?? d.id,
      kind: d.kind,
      district: d.district ?? null,
      operator: d.operator ?? null,
      lat: d.lat ?? null,
      lon: d.lon ?? null,
      parameters: parametersOf(d.kind),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
