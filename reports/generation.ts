import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { V1ReadTarget } from '../lib/influx/v1-query.ts';
import { MaintenanceRepo } from '../lib/records/maintenance.ts';
import { UserRepo } from '../lib/records/users.ts';
import { ValidationRepo } from '../lib/records/validations.ts';
import { loadRegistry } from '../lib/registry/store.ts';
import { registryStations } from '../lib/reports/generator.ts';
import { createInfluxSource } from '../lib/reports/influx-source.ts';
import type { Report, StationMeta } from '../lib/reports/model.ts';
import { NO_QA_RECORDS, qaRecordsOf, type StationSource } from '../lib/reports/source.ts';
import type { GenerationConfig } from './generation-config.ts';

/** What a report run reads, opened from the settings: the registry's stations, the source, the agency. */
export type Generation = {
  stations: StationMeta[];
  source: StationSource;
  agency: Report['agency'];
  /** The records database's users (undefined when there is no records database). */
  users: UserRepo | undefined;
  close(): void;
};

/** `npm start` keeps each InfluxDB login's password in the state folder (stack/local-influx.ts). */
export function influxTarget(config: GenerationConfig): V1ReadTarget {
  const { url, database, username, token, timeoutMs } = config.influx;
  let password = config.influx.password;
  const file = join(config.stateDir, `influxdb-${username}-password`);
  if (password === undefined && !token && existsSync(file)) password = readFileSync(file, 'utf8').trim();
  return { url, database, username, password, token, timeoutMs };
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

async function logoDataUri(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  const type = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!type) throw new Error(`REPORTS_LOGO_PATH ${path}: a .png, .jpg or .svg file`);
  return `data:${type};base64,${(await readFile(path)).toString('base64')}`;
}

export async function openGeneration(config: GenerationConfig): Promise<Generation> {
  const registry = await loadRegistry(config.registryPath);
  const stations: StationMeta[] = registryStations(registry.devices);
  const agency = { name: config.agencyName, logoDataUri: await logoDataUri(config.logoPath) };
  // Read only: a report never changes the records, and never migrates a database the console owns.
  const db = existsSync(config.recordsPath)
    ? new DatabaseSync(config.recordsPath, { readOnly: true })
    : undefined;
  try {
    const records =
      db && qaRecordsOf({ maintenance: new MaintenanceRepo(db), validations: new ValidationRepo(db) });
    return {
      stations,
      source: createInfluxSource({ influx: influxTarget(config), records: records ?? NO_QA_RECORDS }),
      agency,
      users: db && new UserRepo(db),
      close: () => db?.close(),
    };
  } catch (err) {
    db?.close();
    throw err;
  }
}
