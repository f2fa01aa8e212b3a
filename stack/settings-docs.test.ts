import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { setting } from '../lib/settings/declare.ts';
import {
  allSettings,
  envExampleProblems,
  expectedTables,
  ROOT,
  rowDiff,
  tableIn,
  withTable,
} from './settings-docs.ts';

const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

describe('README settings tables', () => {
  for (const { readme, name, table } of expectedTables())
    it(`${readme} shows the ${name} declarations (npm run docs:settings rewrites it)`, () => {
      const current = tableIn(read(readme), name);
      expect(current, `${readme} has no <!-- settings:${name} --> markers`).toBeDefined();
      expect(rowDiff(current ?? '', table), `${readme}: rows that differ (- README, + declarations)`).toEqual(
        [],
      );
      expect(current).toBe(table);
    });

  it('finds a changed row, and rewrites only what lies between the markers', () => {
    const text = 'intro\n<!-- settings:x -->\n| a |\n| b |\n<!-- /settings:x -->\nafter\n';
    const current = tableIn(text, 'x');
    expect(current).toBe('| a |\n| b |');
    expect(rowDiff(current ?? '', '| a |\n| c |')).toEqual(['- | b |', '+ | c |']);
    expect(withTable(text, 'x', '| new |')).toBe(
      'intro\n<!-- settings:x -->\n| new |\n<!-- /settings:x -->\nafter\n',
    );
    expect(tableIn(text, 'y')).toBeUndefined();
    expect(() => withTable(text, 'y', '')).toThrow(/no <!-- settings:y -->/);
  });
});

describe('deploy/.env.example against the declarations', () => {
  it('names only declared variables, and every one a deployment needs', () => {
    expect(
      envExampleProblems(read('deploy/.env.example'), read('docker-compose.yml'), allSettings()),
    ).toEqual([]);
  });

  const declared = [
    setting({ env: 'A_TOKEN', schema: z.string().min(16), secret: true, meaning: 'required secret' }),
    setting({ env: 'A_PORT', schema: z.coerce.number().int(), default: 1, deploy: true, meaning: 'port' }),
    setting({ env: 'A_SET_BY_COMPOSE', schema: z.string(), meaning: 'required' }),
    setting({ env: 'A_OPTIONAL', schema: z.string(), optional: true, meaning: 'not needed' }),
  ];
  // docker compose's `${NAME:?}` and `${NAME:-default}`, spelled so that nothing reads them as templates.
  const fromDotEnv = (expr: string) => `\${${expr}}`;
  const compose = [
    'services:',
    '  a:',
    '    environment:',
    `      A_SET_BY_COMPOSE: fixed # ${fromDotEnv('NOT_READ')} in a comment`,
    `      A_TOKEN: ${fromDotEnv('A_TOKEN:?')}`,
    `      A_PORT: ${fromDotEnv('A_PORT:-1')}`,
  ].join('\n');

  it('passes a complete example', () => {
    expect(envExampleProblems('# the token\nA_TOKEN=\nA_PORT=2\n', compose, declared)).toEqual([]);
  });

  it('fails on an unknown name, a missing needed one, a secret with a value and a bad value', () => {
    expect(
      envExampleProblems('A_TOKEN=0123456789abcdef\nA_PORT=x\n# B_UNKNOWN=1\n', compose, declared),
    ).toEqual([
      'A_TOKEN: a secret; leave its value empty in the example',
      'A_PORT=x: Invalid input: expected number, received NaN',
      "B_UNKNOWN: no declaration knows it (a service's config.ts, or deploy/settings.ts)",
    ]);
    expect(envExampleProblems('', compose.replace('A_SET_BY_COMPOSE: fixed', ''), declared)).toEqual([
      'A_PORT: marked deploy: true, missing from the example',
      'A_SET_BY_COMPOSE: required, neither in the example nor set by docker-compose.yml',
      'A_TOKEN: docker-compose.yml reads it from .env, missing from the example',
      'A_PORT: docker-compose.yml reads it from .env, missing from the example',
    ]);
    expect(envExampleProblems('A_TOKEN=\nA_PORT=1\n', 'services: {}\n', declared)).toEqual([
      'A_SET_BY_COMPOSE: required, neither in the example nor set by docker-compose.yml',
      'A_PORT: marked deploy: true, docker-compose.yml never reads it',
    ]);
  });
});
