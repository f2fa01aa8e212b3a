import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainToStarter, isUnitTest, readSources, tierViolations } from './test-tiers.ts';

const root = resolve(import.meta.dirname, '..');
// Spelled through a variable so that this file's own examples are not read as its imports.
const q = "'";
const EXEMPT = {
  'stack/layers.test.ts': 'runs `git ls-files` once to list the sources a clone holds; starts no server',
};

describe('test tiers', () => {
  const files = readSources(root);
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('no unit test (*.test.ts that is not *.integration.test.ts) can start a process', () => {
    expect(files.filter((f) => f.path.endsWith('.test.ts')).length).toBeGreaterThan(30);
    expect(tierViolations(files, EXEMPT)).toEqual([]);
  });

  it.each([
    'testkit/influxd.ts',
    'testkit/mosquitto.ts',
    'testkit/redis.ts',
    'testkit/victoria-metrics.ts',
    'testkit/broker-process.ts',
    'testkit/ingest-process.ts',
    'testkit/flows-harness.ts',
    'testkit/pipeline.ts',
    'testkit/nodered-peer/start.ts',
    'testkit/influxdb2-container.ts',
    'flows/service.ts',
  ])('%s starts its processes through a module the guard knows', (launcher) => {
    expect(byPath.has(launcher)).toBe(true);
    expect(chainToStarter(launcher, byPath)).toBeDefined();
  });

  it('refuses a unit test that reaches a launcher through other modules, and names the chain', () => {
    const synthetic = [
      ...files.filter((f) => !isUnitTest(f.path)),
      { path: 'dashboards/x.test.ts', text: `import { startPipeline } from ${q}../testkit/pipeline.ts${q};` },
    ];
    expect(tierViolations(synthetic, EXEMPT)).toEqual([
      {
        test: 'dashboards/x.test.ts',
        reason:
          'reaches the process launcher: dashboards/x.test.ts -> testkit/pipeline.ts -> testkit/influxd.ts -> lib/process/launcher.ts',
      },
    ]);
  });

  it('refuses child_process, a browser or containers in a unit test, and allows them in an integration test', () => {
    const tests = [
      { path: 'broker/a.test.ts', text: `import { spawn } from ${q}node:child_process${q};` },
      { path: 'dashboards/b.test.ts', text: `const { chromium } = await import(${q}playwright-core${q});` },
      { path: 'lib/c.test.ts', text: `export { GenericContainer } from ${q}testcontainers${q};` },
      { path: 'broker/a.integration.test.ts', text: `import { spawn } from ${q}node:child_process${q};` },
      { path: 'stack/layers.test.ts', text: `import { execFileSync } from ${q}node:child_process${q};` },
    ];
    expect(tierViolations(tests, EXEMPT)).toEqual([
      { test: 'broker/a.test.ts', reason: 'imports node:child_process: name it *.integration.test.ts' },
      {
        test: 'dashboards/b.test.ts',
        reason: 'reaches a browser (Chromium): dashboards/b.test.ts -> playwright-core',
      },
      { test: 'lib/c.test.ts', reason: 'reaches containers: lib/c.test.ts -> testcontainers' },
    ]);
  });
});
