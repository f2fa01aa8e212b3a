import { chmod, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Permission bits of a path, without following a link. */
export const modeOf = async (path: string): Promise<number> => (await lstat(path)).mode & 0o777;

/** Every folder and regular file under `root` (root included) with its mode; links are not followed. */
export async function modesUnder(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>([[root, await modeOf(root)]]);
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory() || entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out.set(path, await modeOf(path));
    }
  }
  return out;
}

/** The paths under `root` that group or others may access, with their modes in octal. */
export async function notPrivate(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const [path, mode] of await modesUnder(root))
    if ((mode & 0o077) !== 0) out.push(`${path} ${mode.toString(8)}`);
  return out;
}

/**
 * Makes every folder under `root` 0755 and every file 0644, as a umask of 022 and an older version
 * (which set modes only on creation, or not at all) leave a state folder.
 */
export async function makeWorldReadable(root: string): Promise<void> {
  await chmod(root, 0o755);
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await chmod(path, 0o755);
    else if (entry.isFile()) await chmod(path, 0o644);
  }
}

/** A state folder like `npm start` leaves one: secrets, influxd data, a spool segment, a script. */
export async function sampleState(root: string): Promise<void> {
  await mkdir(join(root, 'influxdb', 'data', 'environment'), { recursive: true });
  await mkdir(join(root, 'spool', 'ingest'), { recursive: true });
  await writeFile(join(root, 'service-secrets.json'), '{"ingest":"SECRET-CONTENT"}');
  await writeFile(join(root, 'influxdb', 'data', 'environment', '000001.tsm'), 'x');
  await writeFile(join(root, 'spool', 'ingest', 'segment-000000000001.log'), 'x');
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\n');
  await makeWorldReadable(root);
  await chmod(join(root, 'run.sh'), 0o755);
}
