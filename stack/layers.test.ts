import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerViolations, ruleFor, type SourceFile } from '../testkit/layers.ts';

const root = resolve(import.meta.dirname, '..');
// Spelled through a variable so that this file's own examples are not read as imports.
const q = "'";

/** Every source file git knows (tracked or new, not ignored): what a clone will hold. */
function sourceFiles(): SourceFile[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((path) => /\.(ts|js|cjs|mjs)$/.test(path) && !path.startsWith('node_modules/'))
    .flatMap((path) => {
      try {
        return [{ path, text: readFileSync(resolve(root, path), 'utf8') }];
      } catch {
        return []; // deleted in the working tree but not yet in the index
      }
    });
}

describe('layers point one way', () => {
  it('holds on the whole tree', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(layerViolations(files)).toEqual([]);
  });

  it('cites no file a clone lacks (the original design brief, the shared folder, absolute paths)', () => {
    const outside = /DESIGN\.md|\.\.\/shared\/|\/work\//;
    const citing = sourceFiles()
      .filter((f) => f.path !== 'stack/layers.test.ts' && outside.test(f.text))
      .map((f) => f.path);
    expect(citing).toEqual([]);
  });

  it('keeps every non-test source file at most 300 lines (split by concern past that)', () => {
    const long = sourceFiles()
      .filter((f) => !/\.test\.ts$/.test(f.path))
      .map((f) => ({ path: f.path, lines: f.text.split('\n').length - (f.text.endsWith('\n') ? 1 : 0) }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });

  it('refuses a broker file that imports stack/', () => {
    const file = { path: 'broker/service.ts', text: `import { x } from ${q}../stack/start.ts${q};` };
    expect(layerViolations([file])).toEqual([
      { file: 'broker/service.ts', imports: 'stack/start.ts', rule: 'broker/ never imports stack/ (wiring)' },
    ]);
  });

  it.each([
    ['ingest/service.ts', 'broker/hooks.ts', 'a service never imports another (broker/)'],
    ['flows/service.ts', 'testkit/ports.ts', 'only tests and stack/ import testkit/'],
    ['lib/catalogue/index.ts', 'ingest/core/decode.ts', 'lib/ imports no service, stack/ or testkit/'],
    ['lib/catalogue/index.ts', 'testkit/pipeline.ts', 'lib/ imports no service, stack/ or testkit/'],
    ['lib/influx/x.integration.test.ts', 'testkit/influxd.ts', 'lib/ imports no service, stack/ or testkit/'],
    ['testkit/pipeline.ts', 'stack/start.ts', 'testkit/ never imports stack/ (wiring)'],
    ['dashboards/app.ts', '../shared/x.ts', 'imports a file outside the repository'],
    ['broker/bench/x.ts', 'testkit/broker.ts', 'only tests and stack/ import testkit/'],
    ['ingest/ingest.bench.ts', 'testkit/load.ts', 'only tests and stack/ import testkit/'],
  ])('refuses %s importing %s', (from, target, rule) => {
    expect(ruleFor(from, target)).toBe(rule);
  });

  it.each([
    ['ingest/service.ts', 'lib/influx/line-protocol.ts'],
    ['ingest/faults.integration.test.ts', 'testkit/pipeline.ts'],
    ['stack/bench/broker.bench.ts', 'testkit/mosquitto.ts'],
    ['testkit/pipeline.ts', 'broker/service.ts'],
    ['stack/start.ts', 'flows/service.ts'],
    ['deploy/provision.ts', 'dashboards/auth/bootstrap.ts'],
  ])('allows %s importing %s', (from, target) => {
    expect(ruleFor(from, target)).toBeUndefined();
  });

  it('finds dynamic imports and re-exports too', () => {
    const files = [
      { path: 'flows/nodes/x.js', text: `export { default } from ${q}../../ingest/a.ts${q};` },
      { path: 'flows/y.ts', text: `const m = await import(${q}../broker/b.ts${q});` },
    ];
    expect(layerViolations(files).map((v) => v.imports)).toEqual(['ingest/a.ts', 'broker/b.ts']);
  });
});
