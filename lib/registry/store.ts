import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { findKind } from '../catalogue/index.ts';
import { type Device, type Registry, RegistrySchema } from './schema.ts';

export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly code = 'REGISTRY_INVALID';
}

/** Reads and validates a registry file; a missing file is an empty registry. */
export async function loadRegistry(path: string): Promise<Registry> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { devices: [], services: [] };
    throw err;
  }
  return parseRegistry(text, path);
}

export function parseRegistry(text: string, path = 'registry'): Registry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = RegistrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryError(`${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  for (const device of parsed.data.devices) {
    if (!findKind(device.kind))
      throw new RegistryError(`${path}: device ${device.id} has unknown kind ${device.kind}`);
  }
  return parsed.data;
}

/** Writes atomically (temp file + rename) so a reader never sees half a file; mode 0600: it holds hashes. */
export async function saveRegistry(path: string, registry: Registry): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 }); // the first `devices add` of a fresh clone
  await writeFile(tmp, `${JSON.stringify(registry, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** The tags a station's readings carry in InfluxDB. */
export function stationTags(device: Device): Record<string, string> {
  const tags: Record<string, string> = {};
  if (device.district) tags.district = device.district;
  if (device.operator) tags.operator = device.operator;
  return tags;
}
