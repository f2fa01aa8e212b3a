import { dirname, join, normalize } from 'node:path';

/**
 * The layers of the tree and who may import whom (docs/ARCHITECTURE.md, "Layers"):
 * - `lib/` is shared by everyone and imports nothing of ours but itself;
 * - a service imports `lib/` and itself, never another service, `stack/` or `testkit/`;
 *   its tests may also use `testkit/` (benchmarks live in `stack/bench/`, which is wiring);
 * - `testkit/` (launchers, test helpers) may start services in process, never import `stack/`;
 * - `stack/` and `deploy/` are wiring: they may import anything.
 */
export const SERVICES = [
  'broker',
  'ingest',
  'flows',
  'dashboards',
  'simulators',
  'reports',
  'public',
] as const;
const WIRING = ['stack', 'deploy'];

export type SourceFile = { path: string; text: string };
export type Violation = { file: string; imports: string; rule: string };

// Static imports, re-exports and dynamic import() of a relative path.
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function isTest(path: string): boolean {
  return /\.test\.ts$/.test(path);
}

function topFolder(path: string): string {
  return path.split('/')[0] ?? '';
}

/** What `from` (a repository-relative path) may import, or why not. */
export function ruleFor(from: string, target: string): string | undefined {
  if (target.startsWith('..')) return 'imports a file outside the repository';
  const source = topFolder(from);
  const dest = topFolder(target);
  if (source === dest || WIRING.includes(source)) return undefined;
  if (dest === 'lib') return undefined;
  // lib/'s own tests too: a test of shared code that needs a real server lives in testkit/, beside
  // the launcher it uses.
  if (source === 'lib') return 'lib/ imports no service, stack/ or testkit/';
  if (WIRING.includes(dest)) return `${source}/ never imports ${dest}/ (wiring)`;
  if (source === 'testkit') return undefined; // testkit starts services in process for the tests
  if (dest === 'testkit') {
    return isTest(from) ? undefined : 'only tests and stack/ import testkit/';
  }
  if ((SERVICES as readonly string[]).includes(source)) return `a service never imports another (${dest}/)`;
  return undefined;
}

export function layerViolations(files: readonly SourceFile[]): Violation[] {
  const found: Violation[] = [];
  for (const file of files) {
    for (const match of file.text.matchAll(RELATIVE_IMPORT)) {
      const target = normalize(join(dirname(file.path), match[1] ?? ''));
      const rule = ruleFor(file.path, target);
      if (rule) found.push({ file: file.path, imports: target, rule });
    }
  }
  return found;
}
