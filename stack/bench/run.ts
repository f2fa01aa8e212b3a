import { glob } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchSection } from '../../testkit/bench-section.ts';

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const root = resolve(import.meta.dirname, '../..');

const sections: (BenchSection & { file: string })[] = [];
for await (const file of glob('**/*.bench.ts', {
  cwd: root,
  exclude: (name) => name === 'node_modules' || name === 'state',
})) {
  const mod = (await import(resolve(root, file))) as { default?: BenchSection };
  if (mod.default) sections.push({ ...mod.default, file });
}
sections.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
const chosen = values.only ? sections.filter((s) => values.only?.includes(s.name)) : sections;

const figures: Record<string, number> = {};
const failures: string[] = [];
for (const section of chosen) {
  const log = (line: string) => process.stdout.write(`[${section.name}] ${line}\n`);
  log(`running (${relative(root, resolve(root, section.file))})`);
  const started = performance.now();
  try {
    const result = await section.run(log);
    for (const [key, value] of Object.entries(result)) {
      figures[key] = Math.round(value * 100) / 100;
      log(`${key} = ${figures[key]}`);
    }
  } catch (err) {
    failures.push(section.name);
    log(`FAILED: ${(err as Error).stack ?? err}`);
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
