import type { KindSpec } from './spec.ts';

/**
 * The names payload formats give a kind's fields, gathered from the fields themselves (fields.ts), so a
 * decoder needs no table of its own. Computed once per kind (kinds registered at run time included).
 */
type SensorCommunityName = { field: string; unit: string };

const senml = new WeakMap<KindSpec, ReadonlyMap<string, string>>();
const sensorCommunity = new WeakMap<KindSpec, ReadonlyMap<string, SensorCommunityName>>();

/** SenML alias -> field name. A field's own name needs no entry: the decoder tries it first. */
export function senmlAliases(kind: KindSpec): ReadonlyMap<string, string> {
  let names = senml.get(kind);
  if (!names) {
    const built = new Map<string, string>();
    for (const [field, spec] of Object.entries(kind.fields))
      for (const alias of spec.senml?.names ?? []) built.set(alias, field);
    names = built;
    senml.set(kind, names);
  }
  return names;
}

/** Sensor.Community `value_type` -> the field it carries and the unit the firmware reports it in. */
export function sensorCommunityNames(kind: KindSpec): ReadonlyMap<string, SensorCommunityName> {
  let names = sensorCommunity.get(kind);
  if (!names) {
    const built = new Map<string, SensorCommunityName>();
    for (const [field, spec] of Object.entries(kind.fields)) {
      const sc = spec.sensorCommunity;
      for (const type of sc?.valueTypes ?? []) built.set(type, { field, unit: sc?.unit ?? spec.unit });
    }
    names = built;
    sensorCommunity.set(kind, names);
  }
  return names;
}
