import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type KindSpec, registerKind } from '../lib/catalogue/index.ts';
import { ConfigError } from '../lib/config.ts';
import { declarativeModel } from './profiles/declarative.ts';
import { registerModel } from './profiles/index.ts';
import { loadStations, type SimStation } from './stations/load.ts';

/** The catalogue entry's shape as JSON (lib/catalogue/types.ts KindSpec). */
const KindSpecSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  expectedIntervalS: z.number().positive(),
  fields: z.record(
    z.string(),
    z.strictObject({
      unit: z.string().min(1),
      min: z.number(),
      max: z.number(),
      description: z.string(),
      ugM3PerPpb: z.number().positive().optional(),
    }),
  ),
  examples: z.strictObject({
    valid: z.array(z.strictObject({ title: z.string(), payload: z.unknown() })),
    invalid: z.array(z.strictObject({ title: z.string(), payload: z.unknown(), reason: z.string() })),
  }),
});

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
}

/**
 * A sensor kind defined by data (simulators/README.md "Adding a kind"): a folder with `kind.json`
 * (the catalogue entry), `profile.json` (a declarative simulator profile) and optionally
 * `stations.json` (stations of that kind). Registers the kind and its model in this process and
 * returns the stations. Every profile field must be a catalogue field, and every catalogue field a
 * profile field, so the simulator can never send what the ingest would refuse.
 */
export function loadKindFolder(dir: string): { kind: KindSpec; stations: SimStation[] } {
  const parsed = KindSpecSchema.safeParse(readJson(join(dir, 'kind.json')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${dir}/kind.json: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const kind = parsed.data as KindSpec;
  const profileJson = readJson(join(dir, 'profile.json')) as {
    kind?: string;
    fields?: Record<string, unknown>;
  };
  if (profileJson.kind !== kind.id)
    throw new ConfigError(`${dir}/profile.json: kind '${profileJson.kind}' is not '${kind.id}'`);
  const profileFields = Object.keys(profileJson.fields ?? {});
  const missing = Object.keys(kind.fields).filter((f) => !profileFields.includes(f));
  const extra = profileFields.filter((f) => !(f in kind.fields));
  if (missing.length > 0 || extra.length > 0)
    throw new ConfigError(
      `${dir}/profile.json: fields must match the catalogue entry (missing: ${missing.join(', ') || '-'}; unknown: ${extra.join(', ') || '-'})`,
    );
  for (const [name, f] of Object.entries(profileJson.fields ?? {}) as [
    string,
    { min: number; max: number },
  ][]) {
    const spec = kind.fields[name];
    if (spec && (f.min < spec.min || f.max > spec.max))
      throw new ConfigError(
        `${dir}/profile.json: ${name} range ${f.min}..${f.max} exceeds the catalogue's ${spec.min}..${spec.max}`,
      );
  }
  const model = declarativeModel(profileJson);
  registerKind(kind);
  registerModel(kind.id, model);
  const stationsPath = join(dir, 'stations.json');
  return { kind, stations: existsSync(stationsPath) ? loadStations(stationsPath) : [] };
}
