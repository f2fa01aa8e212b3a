import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildDashboards, renderJson } from './build.ts';

// Usage: node dashboards/grafana/generate.ts [--check]
// Writes the dashboard JSON next to the provisioning files, formatted by Biome like every file in the
// tree; --check only reports files whose content (parsed JSON) differs from what the catalogue gives.

const OUTPUT_DIR = join(import.meta.dirname, 'provisioning', 'dashboards', 'json');
const ROOT = join(import.meta.dirname, '..', '..');

const check = process.argv.includes('--check');
const written: string[] = [];
for (const [name, dashboard] of Object.entries(buildDashboards())) {
  const path = join(OUTPUT_DIR, name);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before !== undefined && isDeepStrictEqual(JSON.parse(before), dashboard)) continue;
  if (check) process.stderr.write(`${path} is out of date: run node dashboards/grafana/generate.ts\n`);
  else await writeFile(path, renderJson(dashboard));
  written.push(path);
}
if (check && written.length > 0) process.exit(1);
if (written.length > 0) {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', ...written], { cwd: ROOT });
  for (const path of written) process.stdout.write(`wrote ${path}\n`);
}
