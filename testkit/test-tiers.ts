import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The two test tiers: `*.integration.test.ts` may start processes (influxd, Mosquitto, Node-RED,
 * Chromium, a broker or ingest child); every other `*.test.ts` is a unit test, run by
 * `npm run test:unit`, and starts none (an in-process server on a loopback port is fine).
 * A unit test may not reach, through the relative imports of the tree, a module that starts processes:
 * every launcher runs on lib/process/launcher.ts, so reaching it is the sign. Nor may it import
 * node:child_process itself to spawn by hand.
 */
export type SourceFile = { path: string; text: string };
export type TierViolation = { test: string; reason: string };

/** Modules that start processes, wherever they are reached from. */
export const PROCESS_STARTERS: ReadonlyMap<string, string> = new Map([
  ['lib/process/launcher.ts', 'the process launcher'],
  ['playwright-core', 'a browser (Chromium)'],
  ['testcontainers', 'containers'],
]);
/** Imports a unit test may not make itself (a module it uses may, for a short tool such as openssl). */
const SPAWNING = ['node:child_process', 'child_process'];

// Static imports, re-exports and dynamic import() of any specifier.
const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'state', 'coverage']);

export function isUnitTest(path: string): boolean {
  return path.endsWith('.test.ts') && !path.endsWith('.integration.test.ts');
}

/** The imports of a file: repository paths for relative ones, the specifier for packages. */
function importsOf(file: SourceFile): string[] {
  return [...file.text.matchAll(IMPORT)].map((m) => {
    const spec = m[1] ?? '';
    return spec.startsWith('.') ? normalize(join(dirname(file.path), spec)) : spec;
  });
}

/**
 * The chain of imports from `start` to the first module of PROCESS_STARTERS it reaches, or undefined.
 * Packages are not followed (only named ones count); files outside `byPath` (JSON) end a path.
 */
export function chainToStarter(start: string, byPath: ReadonlyMap<string, SourceFile>): string[] | undefined {
  const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
  const queue = [start];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (PROCESS_STARTERS.has(path) && path !== start) {
      const chain = [path];
      for (let at = cameFrom.get(path); at !== undefined; at = cameFrom.get(at)) chain.unshift(at);
      return chain;
    }
    const file = byPath.get(path);
    if (!file) continue;
    for (const target of importsOf(file)) {
      if (cameFrom.has(target)) continue;
      if (byPath.has(target) || PROCESS_STARTERS.has(target)) {
        cameFrom.set(target, path);
        queue.push(target);
      }
    }
  }
  return undefined;
}

/** Unit tests that could start a process; `exempt` names a test and why it may spawn a short tool. */
export function tierViolations(
  files: readonly SourceFile[],
  exempt: Readonly<Record<string, string>> = {},
): TierViolation[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const found: TierViolation[] = [];
  for (const file of files) {
    if (!isUnitTest(file.path)) continue;
    const chain = chainToStarter(file.path, byPath);
    if (chain) {
      const starter = chain.at(-1) ?? '';
      found.push({
        test: file.path,
        reason: `reaches ${PROCESS_STARTERS.get(starter)}: ${chain.join(' -> ')}`,
      });
    }
    const spawns = importsOf(file).find((target) => SPAWNING.includes(target));
    if (spawns && exempt[file.path] === undefined)
      found.push({ test: file.path, reason: `imports ${spawns}: name it *.integration.test.ts` });
  }
  return found;
}

/** Every .ts/.js source of the tree (outside node_modules and state), as repository paths. */
export function readSources(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && /\.(ts|js|cjs|mjs)$/.test(entry.name)) {
        const full = join(dir, entry.name);
        out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(root);
  return out;
}
