import { findKind } from '../../lib/catalogue/index.ts';

// What the status table shows per kind: the fields an operator scans first. Kinds not listed fall back
// to their first three catalogue fields, so a new kind shows up without touching the console.
const KEY_FIELDS: Record<string, readonly string[]> = {
  air_quality: ['pm25', 'pm10', 'o3'],
  wastewater: ['ph', 'cod', 'flow'],
  water_network: ['pressure', 'flow', 'free_chlorine'],
};

export function keyFields(kindId: string): { field: string; unit: string }[] {
  const kind = findKind(kindId);
  if (!kind) return [];
  const names = KEY_FIELDS[kindId] ?? Object.keys(kind.fields).slice(0, 3);
  return names.flatMap((field) => {
    const spec = kind.fields[field];
    return spec ? [{ field, unit: spec.unit }] : [];
  });
}

export const KEY_FIELD_TABLE = KEY_FIELDS;
