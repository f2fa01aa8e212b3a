import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { findKind, KIND_ID_PATTERN, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import type { StationTraits } from '../../lib/catalogue/simulation/model.ts';
import { ConfigError } from '../../lib/config.ts';

export const PAYLOAD_FORMATS = ['native', 'senml', 'sensor_community'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

const Label = z
  .string()
  .min(1)
  .max(128)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these become InfluxDB tags (broker registry rule).
  .regex(/^[^\\\u0000-\u001f\u007f]+$/);

export const StationSchema = z.strictObject({
  id: z.string().regex(STATION_ID_PATTERN, 'station ids match [a-z0-9][a-z0-9-]{0,63}'),
  kind: z.string().regex(KIND_ID_PATTERN),
  name: Label,
  district: z.string().regex(STATION_ID_PATTERN),
  operator: Label,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  format: z.enum(PAYLOAD_FORMATS).default('native'),
  intensity: z.number().min(0.2).max(3).default(1),
  distanceKm: z.number().min(0).max(100).default(3),
  traits: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Registry attributes for the public page and API (lib/registry/public.ts isPublicStation). */
  public: z.boolean().optional(),
  self_monitoring: z.boolean().optional(),
});

export const StationFileSchema = z
  .strictObject({
    city: z.string(),
    country: z.string().optional(),
    utcOffsetHours: z.number().default(7),
    note: z.string().optional(),
    districts: z.array(
      z.strictObject({
        id: z.string().regex(STATION_ID_PATTERN),
        name: z.string(),
        lat: z.number(),
        lon: z.number(),
      }),
    ),
    stations: z.array(StationSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const districts = new Set(file.districts.map((d) => d.id));
    const seen = new Set<string>();
    file.stations.forEach((s, i) => {
      const at = (message: string) => ctx.addIssue({ code: 'custom', path: ['stations', i], message });
      if (seen.has(s.id)) at(`duplicate station id '${s.id}'`);
      seen.add(s.id);
      if (!districts.has(s.district)) at(`${s.id}: unknown district '${s.district}'`);
      if (!findKind(s.kind)) at(`${s.id}: kind '${s.kind}' is not in the catalogue`);
      if (s.format === 'sensor_community' && s.kind !== 'air_quality')
        at(`${s.id}: the Sensor.Community format carries air quality only`);
    });
  });

export type StationFile = z.infer<typeof StationFileSchema>;
type CatalogueStation = z.infer<typeof StationSchema>;

/** A simulated station: its registry attributes (provisioning) plus the traits its model reads. */
export type SimStation = StationTraits & {
  name: string;
  district: string;
  operator: string;
  lat: number;
  lon: number;
  format?: PayloadFormat;
  public?: boolean;
  self_monitoring?: boolean;
};

export const DEPOK_STATIONS_PATH = resolve(import.meta.dirname, 'depok.json');

export function parseStationFile(json: unknown, source = 'stations'): StationFile {
  const parsed = StationFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues
    .slice(0, 10)
    .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`${source}: invalid station catalogue:\n${lines.join('\n')}`);
}

function toSimStation(s: CatalogueStation): SimStation {
  const station: SimStation = {
    id: s.id,
    kind: s.kind,
    name: s.name,
    district: s.district,
    operator: s.operator,
    lat: s.lat,
    lon: s.lon,
    format: s.format,
    intensity: s.intensity,
    distanceKm: s.distanceKm,
  };
  if (s.traits) station.traits = s.traits;
  if (s.public !== undefined) station.public = s.public;
  if (s.self_monitoring !== undefined) station.self_monitoring = s.self_monitoring;
  return station;
}

/**
 * The station list of a catalogue file (default: Depok). The same list provisions the device registry
 * (`toRegistryDevices`) and drives the simulator, so what is simulated is what is registered.
 */
export function loadStations(path = DEPOK_STATIONS_PATH, kinds?: readonly string[]): SimStation[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the station catalogue (${(err as Error).message})`);
  }
  const stations = parseStationFile(json, path).stations.map(toSimStation);
  return kinds ? stations.filter((s) => kinds.includes(s.kind)) : stations;
}

/** Registry attributes of each station: the shape lib/registry/provision.ts addDevices takes. */
export function toRegistryDevices(stations: readonly SimStation[]) {
  return stations.map(({ id, kind, name, district, operator, lat, lon, ...rest }) => ({
    id,
    kind,
    name,
    district,
    operator,
    lat,
    lon,
    ...(rest.public !== undefined && { public: rest.public }),
    ...(rest.self_monitoring !== undefined && { self_monitoring: rest.self_monitoring }),
  }));
}
