import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KindSpec, registerKind } from '../lib/catalogue/index.ts';
import { DeclarativeProfileSchema, declarativeModel } from '../lib/catalogue/simulation/declarative.ts';
import { parseKindSpec } from '../lib/catalogue/spec.ts';
import { ConfigError } from '../lib/config.ts';
import { registerModel } from './profiles/index.ts';
import { loadStations, type SimStation } from './stations/load.ts';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
}

/**
 * A sensor kind defined by data (lib/catalogue/README.md "Adding a kind"): a folder with `kind.json`
 * (the catalogue entry, checked by the catalogue's KindSpecSchema), `profile.json` (a declarative
 * simulator profile) and optionally `stations.json` (stations of that kind). Registers the kind and its
 * model in this process and returns the stations. Every profile field must be a catalogue field, and
 * every catalogue field a profile field, so the simulator can never send what the ingest would refuse.
 */
export function loadKindFolder(dir: string): { kind: KindSpec; stations: SimStation[] } {
  const parsed = parseKindSpec(readJson(join(dir, 'kind.json')));
  if (!parsed.ok) throw new ConfigError(`${dir}/kind.json: ${parsed.problem}`);
  const kind = parsed.kind;
  const profileParsed = DeclarativeProfileSchema.safeParse(readJson(join(dir, 'profile.json')));
  if (!profileParsed.success) {
    const issue = profileParsed.error.issues[0];
    throw new ConfigError(`${dir}/profile.json: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const profile = profileParsed.data;
  if (profile.kind !== kind.id)
    throw new ConfigError(`${dir}/profile.json: kind '${profile.kind}' is not '${kind.id}'`);
  const profileFields = Object.keys(profile.fields);
  const missing = Object.keys(kind.fields).filter((f) => !profileFields.includes(f));
  const extra = profileFields.filter((f) => !Object.hasOwn(kind.fields, f));
  if (missing.length > 0 || extra.length > 0)
    throw new ConfigError(
      `${dir}/profile.json: fields must match the catalogue entry (missing: ${missing.join(', ') || '-'}; unknown: ${extra.join(', ') || '-'})`,
    );
  for (const [name, f] of Object.entries(profile.fields)) {
    const spec = kind.fields[name];
    if (spec && (f.min < spec.min || f.max > spec.max))
      throw new ConfigError(
        `${dir}/profile.json: ${name} range ${f.min}..${f.max} exceeds the catalogue's ${spec.min}..${spec.max}`,
      );
  }
  const registered = registerKind(kind);
  registerModel(kind.id, declarativeModel(profile));
  const stationsPath = join(dir, 'stations.json');
  return { kind: registered, stations: existsSync(stationsPath) ? loadStations(stationsPath) : [] };
}
