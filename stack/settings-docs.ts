import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrokerSettings } from '../broker/config.ts';
import { ConsoleSettings } from '../dashboards/config.ts';
import { ComposeSettings } from '../deploy/settings.ts';
import { FlowsSettings } from '../flows/config.ts';
import { IngestSettings } from '../ingest/config.ts';
import { alternativeOnly, type Setting, settingsOf } from '../lib/settings/declare.ts';
import { LogLevelSetting } from '../lib/settings/log-level.ts';
import { settingsTable } from '../lib/settings/table.ts';
import { PublicSettings } from '../public/config.ts';
import { SimulatorSettings } from '../simulators/config.ts';
import { StackSettings } from './config.ts';

/**
 * The README settings tables, generated from the declarations (`npm run docs:settings`), and the checks
 * of deploy/.env.example against them (stack/settings-docs.test.ts). Each table sits between
 * `<!-- settings:<name> -->` and `<!-- /settings:<name> -->` in its README.
 */
export const ROOT = resolve(import.meta.dirname, '..');

type Component = { name: string; readme: string; settings: Setting[] };

/** Every service lists LOG_LEVEL: lib/log.ts reads it for each of them. */
const withLogLevel = (settings: Setting[]) =>
  settings.some((s) => s.env === LogLevelSetting.env) ? settings : [...settings, LogLevelSetting];

export const COMPONENTS: readonly Component[] = [
  { name: 'stack', readme: 'README.md', settings: withLogLevel(settingsOf(StackSettings)) },
  { name: 'broker', readme: 'broker/README.md', settings: withLogLevel(settingsOf(BrokerSettings)) },
  { name: 'ingest', readme: 'ingest/README.md', settings: withLogLevel(settingsOf(IngestSettings)) },
  { name: 'flows', readme: 'flows/README.md', settings: withLogLevel(settingsOf(FlowsSettings)) },
  { name: 'console', readme: 'dashboards/README.md', settings: withLogLevel(settingsOf(ConsoleSettings)) },
  { name: 'public', readme: 'public/README.md', settings: withLogLevel(settingsOf(PublicSettings)) },
  {
    name: 'simulators',
    readme: 'simulators/README.md',
    settings: withLogLevel(settingsOf(SimulatorSettings)),
  },
];

/** Who reads a variable, directly or as the fallback of one of their own. */
function readersOf(variable: string): string[] {
  return COMPONENTS.filter((c) => c.settings.some((s) => s.env === variable || s.fallback === variable)).map(
    (c) => c.name,
  );
}

/**
 * The root README's table: `npm start`'s own settings, then every variable several services read,
 * with who reads it.
 */
function rootTable(): string {
  const [stack, ...services] = COMPONENTS;
  const rows = [...(stack?.settings ?? [])];
  for (const s of services.flatMap((c) => c.settings))
    if (!rows.some((r) => r.env === s.env) && readersOf(s.env).length > 1) rows.push(s);
  return settingsTable(rows, {
    usedBy: (s) => {
      const readers = readersOf(s.env);
      return readers.length === COMPONENTS.length ? 'all' : readers.join(', ');
    },
  });
}

/** What each README's table must be: { readme, name, table }. */
export function expectedTables(): { readme: string; name: string; table: string }[] {
  return COMPONENTS.map((c) => ({
    readme: c.readme,
    name: c.name,
    table: c.name === 'stack' ? rootTable() : settingsTable(c.settings),
  }));
}

const markers = (name: string) => [`<!-- settings:${name} -->\n`, `\n<!-- /settings:${name} -->`] as const;

/** The table between the markers, or undefined when the README lacks them. */
export function tableIn(text: string, name: string): string | undefined {
  const [open, close] = markers(name);
  const start = text.indexOf(open);
  const end = text.indexOf(close, start);
  return start < 0 || end < 0 ? undefined : text.slice(start + open.length, end);
}

export function withTable(text: string, name: string, table: string): string {
  const current = tableIn(text, name);
  if (current === undefined) throw new Error(`no ${markers(name).join(' ... ')} markers`);
  const [open] = markers(name);
  const start = text.indexOf(open) + open.length;
  return text.slice(0, start) + table + text.slice(start + current.length);
}

/** Rows of `actual` missing from `expected` (-) and the reverse (+), in table order. */
export function rowDiff(actual: string, expected: string): string[] {
  const have = actual.split('\n');
  const want = expected.split('\n');
  return [
    ...have.filter((r) => !want.includes(r)).map((r) => `- ${r}`),
    ...want.filter((r) => !have.includes(r)).map((r) => `+ ${r}`),
  ];
}

/** Variables of a non-default variant (a v2 token): a deployment on the default needs none of them. */
const ALTERNATIVE_ONLY = new Set(
  [IngestSettings, FlowsSettings].flatMap((tree) => [...alternativeOnly(tree)]),
);

/** Every declared variable: the services' and those docker-compose.yml takes from .env. */
export function allSettings(): Setting[] {
  return [...COMPONENTS.flatMap((c) => c.settings), ...ComposeSettings];
}

/** `NAME=value` lines, commented examples (`# NAME=value`) included. */
export function envExampleNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const match of text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm))
    names.set(match[1] as string, (match[2] as string).trim());
  return names;
}

/** The variables docker-compose.yml sets for a container, and those it reads from .env (`${NAME...}`). */
export function composeVariables(compose: string): { sets: Set<string>; reads: Set<string> } {
  const text = compose.replaceAll(/(^|\s)#.*$/gm, '');
  const sets = new Set([...text.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s/gm)].map((m) => m[1] as string));
  const reads = new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string));
  return { sets, reads };
}

/** What deploy/.env.example gets wrong against the declarations and docker-compose.yml; [] when nothing. */
export function envExampleProblems(example: string, compose: string, settings: readonly Setting[]): string[] {
  const named = envExampleNames(example);
  const { sets, reads } = composeVariables(compose);
  const problems: string[] = [];
  for (const [name, value] of named) {
    const declared = settings.filter((s) => s.env === name);
    if (declared.length === 0) {
      problems.push(`${name}: no declaration knows it (a service's config.ts, or deploy/settings.ts)`);
      continue;
    }
    if (value && declared.some((s) => s.secret))
      problems.push(`${name}: a secret; leave its value empty in the example`);
    for (const s of declared) {
      const parsed = value ? s.schema.safeParse(s.fromEnv ? s.fromEnv(value) : value) : undefined;
      if (parsed && !parsed.success) problems.push(`${name}=${value}: ${parsed.error.issues[0]?.message}`);
    }
  }
  for (const s of settings) {
    if (named.has(s.env)) continue;
    if (s.deploy) problems.push(`${s.env}: marked deploy: true, missing from the example`);
    else if (s.required && !sets.has(s.env) && !ALTERNATIVE_ONLY.has(s.env))
      problems.push(`${s.env}: required, neither in the example nor set by docker-compose.yml`);
  }
  for (const name of reads)
    if (!named.has(name))
      problems.push(`${name}: docker-compose.yml reads it from .env, missing from the example`);
  for (const s of settings)
    if (s.deploy && !reads.has(s.env))
      problems.push(`${s.env}: marked deploy: true, docker-compose.yml never reads it`);
  return [...new Set(problems)];
}

const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

/** `node stack/settings-docs.ts [--write]`: report (or rewrite) tables that differ, then the .env checks. */
function main(write: boolean): number {
  let failures = 0;
  for (const { readme, name, table } of expectedTables()) {
    const text = read(readme);
    const current = tableIn(text, name);
    if (current === table) continue;
    if (write && current !== undefined) {
      writeFileSync(resolve(ROOT, readme), withTable(text, name, table));
      process.stdout.write(`${readme}: settings:${name} table rewritten\n`);
      continue;
    }
    failures++;
    const detail = current === undefined ? ['no settings markers'] : rowDiff(current, table);
    process.stdout.write(`${readme}: settings:${name} differs\n${detail.map((d) => `  ${d}\n`).join('')}`);
  }
  const problems = envExampleProblems(read('deploy/.env.example'), read('docker-compose.yml'), allSettings());
  for (const p of problems) process.stdout.write(`deploy/.env.example: ${p}\n`);
  return failures + problems.length;
}

if (import.meta.main) process.exitCode = main(process.argv.includes('--write')) > 0 ? 1 : 0;
