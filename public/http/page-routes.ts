import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BROWSER_MODULES, catalogue, I18N_DIR, Languages } from '../../lib/i18n/index.ts';
import { UNITS_BROWSER_MODULE } from '../../lib/units/index.ts';
import type { PublicDeps } from '../app.ts';

export const PAGE_DIR = join(import.meta.dirname, '..', 'page');
const LEAFLET_DIR = join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  geojson: 'application/geo+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  webp: 'image/webp',
};
const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)];

type File = { body: Buffer; type: string };

/** Every file under `dir` of a known type, by its URL path under `prefix`; source maps and the rest left out. */
function readTree(
  dir: string,
  prefix: string,
  files = new Map<string, File>(),
  root = dir,
): Map<string, File> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return files; // no page yet: the API still works
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, prefix, files, root);
    else {
      const type = typeOf(name);
      if (type)
        files.set(`${prefix}${relative(root, path).split(sep).join('/')}`, {
          body: readFileSync(path),
          type,
        });
    }
  }
  return files;
}

/**
 * The citizen page's files, read once at start into memory and looked up by exact path (nothing to
 * traverse): `public/page/` at `/` (`index.html` at `/`), Leaflet's `dist/` at `/vendor/leaflet/`,
 * lib/i18n's browser modules at `/lib/i18n/` (and lib/units' `display.js`, which message.js imports, at
 * `/lib/units/display.js`). Adding a file to `public/page/` is all a page change
 * needs. `/page-config.json` tells the page what the deployment set (the optional tile server).
 */
export function registerPageRoutes(app: FastifyInstance, deps: PublicDeps): void {
  const files = readTree(deps.pageDir ?? PAGE_DIR, '/');
  for (const [path, file] of readTree(LEAFLET_DIR, '/vendor/leaflet/'))
    if (!path.endsWith('-src.js') && !path.includes('.esm.')) files.set(path, file);
  for (const name of BROWSER_MODULES)
    files.set(`/lib/i18n/${name}`, {
      body: readFileSync(new URL(name, I18N_DIR)),
      type: TYPES.js as string,
    });
  // message.js imports the units' display table by its relative path.
  files.set(UNITS_BROWSER_MODULE.path, {
    body: readFileSync(UNITS_BROWSER_MODULE.file),
    type: TYPES.js as string,
  });
  // The page's words, as the console serves them (the page picks its language in the browser).
  for (const lang of Languages)
    files.set(`/i18n/${lang}.json`, {
      body: Buffer.from(JSON.stringify(catalogue(lang))),
      type: TYPES.json as string,
    });
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  const config = Buffer.from(JSON.stringify({ tileUrl: deps.tileUrl ?? null }));
  files.set('/page-config.json', { body: config, type: TYPES.json as string });

  for (const [path, file] of files)
    app.get(path, async (_req, reply) => {
      // Versioned by deployment, not by name: a short cache, revalidated.
      reply.header('cache-control', 'public, max-age=300');
      return reply.type(file.type).send(file.body);
    });
}
