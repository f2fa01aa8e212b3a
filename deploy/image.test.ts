import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_PATH, loadCompose } from '../testkit/compose-file.ts';

// The image (Dockerfile) against what docker-compose.yml runs in it. There is no Docker engine here to
// build it, so what the image must hold is read from the code: the packages the services load (the
// image installs `dependencies` only), the folders its volumes are mounted on, Chromium for PDFs.
const ROOT = join(import.meta.dirname, '..');
const IMAGE = 'depok-env:local';
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const services = [...loadCompose().values()].filter((s) => s.image === IMAGE);
// Read, not imported: importing the printer would load playwright-core into a unit test.
const CHROMIUM = /CHROMIUM = '([^']+)'/.exec(
  readFileSync(join(ROOT, 'lib/reports/render/pdf.ts'), 'utf8'),
)?.[1];

/** Every `node [flags] <file>.ts` the compose file runs or tells operators to run (commands, checks, CLIs). */
function entryPoints(): string[] {
  const text = readFileSync(COMPOSE_PATH, 'utf8');
  const inCommands = services
    .flatMap((s) => [...s.command, ...s.healthcheck])
    .filter((a) => a.endsWith('.ts'));
  const inComments = [...text.matchAll(/\bnode (?:--\S+ )*([\w/.-]+\.ts)\b/g)].map((m) => m[1] as string);
  return [...new Set([...inCommands, ...inComments])];
}

const STATIC = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\s+from\s+)?'([^']+)'/g;
const DYNAMIC = /\bimport\(\s*'([^']+)'\s*\)/g;
const RESOLVED = /\.resolve\(\s*'([^'.][^']*)'\s*\)/g;

/** The packages `entries` load at run time, following their relative imports (type-only ones skipped). */
function runtimePackages(entries: string[]): Map<string, string> {
  const packages = new Map<string, string>(); // package -> a file that loads it
  const seen = new Set<string>();
  const queue = entries.map((e) => join(ROOT, e));
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (seen.has(file) || !file.endsWith('.ts')) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...source.matchAll(STATIC)].filter((m) => !m[1]).map((m) => m[2] as string),
      ...[...source.matchAll(DYNAMIC), ...source.matchAll(RESOLVED)].map((m) => m[1] as string),
    ];
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec);
        if (existsSync(target)) queue.push(target);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const parts = spec.split('/');
        const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
        if (!packages.has(name)) packages.set(name, relative(ROOT, file));
      }
    }
  }
  return packages;
}

describe('the Dockerfile, for what docker-compose.yml runs in its image', () => {
  const entries = entryPoints();
  const packages = runtimePackages(entries);

  it('finds the services and what they load', () => {
    expect(services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['broker', 'ingest', 'console', 'reports']),
    );
    expect(entries).toEqual(
      expect.arrayContaining(['reports/main.ts', 'deploy/healthcheck.ts', 'broker/devices-cli.ts']),
    );
    expect([...packages.keys()]).toEqual(
      expect.arrayContaining(['fastify', 'mqtt', 'aedes', 'exceljs', 'leaflet']),
    );
  });

  it('installs every package they load: `npm ci --omit=dev` leaves devDependencies out', () => {
    const missing = [...packages]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([n, f]) => `${n} (${f})`);
    expect(missing, 'move these to "dependencies"').toEqual([]);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('has Chromium where PDFs are printed, at the path the printer starts', () => {
    expect(packages.get('playwright-core'), 'a service prints PDFs').toBeDefined();
    expect(CHROMIUM).toBe('/usr/bin/chromium'); // where Debian's package puts it
    expect(dockerfile).toMatch(/apt-get install[^\n]*(\\\n[^\n]*)*\bchromium\b/);
    expect(dockerfile).toMatch(/\bfonts-dejavu-core\b/); // the reports' font (lib/reports/render/report.css)
  });

  it('creates every folder a named volume is mounted on, so the non-root user can write there', () => {
    const made = /mkdir -p ([^\n&]+)/.exec(dockerfile)?.[1]?.trim().split(/\s+/) ?? [];
    const targets = services.flatMap((s) =>
      s.mounts.filter((m) => !m.source.startsWith('.')).map((m) => m.target),
    );
    const unmade = [...new Set(targets)].filter(
      (t) => !made.some((dir) => t === dir || t.startsWith(`${dir}/`)),
    );
    expect(unmade).toEqual([]);
  });

  it('exposes every port the services publish', () => {
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/) ?? [];
    const published = new Set(services.flatMap((s) => s.ports.map((p) => p.target)));
    expect([...published].filter((p) => !exposed.includes(p))).toEqual([]);
  });
});
