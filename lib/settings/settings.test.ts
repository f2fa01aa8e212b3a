import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envFlag } from '../config.ts';
import { oneOf, passThrough, setting, settingPaths, settingsOf } from './declare.ts';
import { settingsFromEnv, settingsSchema } from './schema.ts';
import { settingsTable } from './table.ts';

const Tree = {
  host: setting({ env: 'T_HOST', schema: z.string(), default: '127.0.0.1', meaning: 'address' }),
  password: setting({ env: 'T_PASSWORD', schema: z.string().min(1), secret: true, meaning: 'secret' }),
  limits: {
    maxBytes: setting({
      env: 'T_MAX_BYTES',
      schema: z.coerce.number().int(),
      default: 1024 ** 3,
      meaning: 'cap',
    }),
    flag: setting({ env: 'T_FLAG', schema: z.boolean(), default: true, fromEnv: envFlag, meaning: 'on' }),
  },
  url: setting({
    env: 'T_URL',
    fallback: 'URL',
    schema: z.string(),
    optional: true,
    meaning: 'where | when',
  }),
  store: oneOf('type', [
    {
      type: setting({ env: 'T_STORE', schema: z.literal('disk'), default: 'disk', meaning: 'store' }),
      dir: setting({ env: 'T_DIR', schema: z.string(), default: 'state', meaning: 'disk: folder' }),
    },
    {
      type: setting({ env: 'T_STORE', schema: z.literal('redis'), meaning: 'store' }),
      redisUrl: setting({ env: 'T_REDIS_URL', schema: z.string(), meaning: 'redis: URL' }),
    },
  ]),
  extra: passThrough([setting({ env: 'T_HOOK', schema: z.string().optional(), meaning: 'hook' })]),
  fromCode: z.number().default(7),
};
const Schema = settingsSchema(Tree);

describe('settings declared once', () => {
  it('derives the config schema: defaults, groups, variants, fields no variable sets', () => {
    expect(Schema.parse({ password: 'p' })).toEqual({
      host: '127.0.0.1',
      password: 'p',
      limits: { maxBytes: 1024 ** 3, flag: true },
      store: { type: 'disk', dir: 'state' },
      extra: {},
      fromCode: 7,
    });
    expect(Schema.safeParse({}).success).toBe(false);
  });

  it('maps each variable to its path, with fallbacks, conversions and pass-through', () => {
    const config = settingsFromEnv(Tree, Schema, {
      T_PASSWORD: 'p',
      T_MAX_BYTES: '5',
      T_FLAG: 'off',
      URL: 'http://fallback',
      T_STORE: 'redis',
      T_REDIS_URL: 'redis://r',
      T_DIR: 'ignored by the redis variant',
      T_HOOK: 'http://hook',
    });
    expect(config).toEqual({
      host: '127.0.0.1',
      password: 'p',
      limits: { maxBytes: 5, flag: false },
      url: 'http://fallback',
      store: { type: 'redis', redisUrl: 'redis://r' },
      extra: { T_HOOK: 'http://hook' },
      fromCode: 7,
    });
    expect(settingsFromEnv(Tree, Schema, { T_PASSWORD: 'p', T_URL: 'own', URL: 'other' }).url).toBe('own');
  });

  it('names the variable of each bad value, the fallback when that is what was read', () => {
    const load = (env: NodeJS.ProcessEnv) => () => settingsFromEnv(Tree, Schema, env);
    expect(load({ T_MAX_BYTES: 'x' })).toThrow(ConfigError);
    expect(load({ T_MAX_BYTES: 'x' })).toThrow(
      /T_PASSWORD \(password\): .*\n {2}T_MAX_BYTES \(limits\.maxBytes\): .*NaN/,
    );
    expect(load({ T_PASSWORD: 'p', URL: '' })).not.toThrow();
    const refined = Schema.refine((c) => c.url !== 'bad', { path: ['url'], message: 'no' });
    expect(() => settingsFromEnv(Tree, refined, { T_PASSWORD: 'p', URL: 'bad' })).toThrow(
      / {2}URL \(url\): no/,
    );
    expect(() => settingsFromEnv(Tree, Schema, { T_PASSWORD: 'p', T_STORE: 'redis' })).toThrow(
      /T_REDIS_URL \(store\.redisUrl\)/,
    );
  });

  it('lists each variable once, in declaration order, with its path', () => {
    expect(settingsOf(Tree).map((s) => s.env)).toEqual([
      'T_HOST',
      'T_PASSWORD',
      'T_MAX_BYTES',
      'T_FLAG',
      'T_URL',
      'T_STORE',
      'T_DIR',
      'T_REDIS_URL',
      'T_HOOK',
    ]);
    expect(settingPaths(Tree).find((p) => p.setting.env === 'T_HOOK')?.path).toBe('extra.T_HOOK');
    const [host, password, maxBytes] = settingsOf(Tree);
    expect([host?.default, host?.required, password?.required, maxBytes?.default]).toEqual([
      '127.0.0.1',
      false,
      true,
      1024 ** 3,
    ]);
  });

  it('writes the README table from the declarations', () => {
    expect(settingsTable(settingsOf(Tree).slice(0, 5))).toBe(
      [
        '| variable | default | meaning |',
        '|---|---|---|',
        '| `T_HOST` | `127.0.0.1` | address |',
        '| `T_PASSWORD` | (required, secret) | secret |',
        '| `T_MAX_BYTES` | `1073741824` (1 GiB) | cap |',
        '| `T_FLAG` | `true` | on |',
        '| `T_URL` (else `URL`) | - | where \\| when |',
      ].join('\n'),
    );
    const durations = [
      setting({ env: 'A_MS', schema: z.number(), default: 30 * 86_400_000, meaning: 'm' }),
      setting({ env: 'B_SECONDS', schema: z.number(), default: 86_400, meaning: 'm' }),
      setting({ env: 'C_S', schema: z.number(), default: 1800, meaning: 'm' }),
      setting({ env: 'D_MS', schema: z.number(), default: 10_000, meaning: 'm' }),
      setting({ env: 'E', schema: z.string(), optional: true, shown: '(computed)', meaning: 'm' }),
    ];
    expect(
      settingsTable(durations, { usedBy: () => 'x, y' })
        .split('\n')
        .slice(2),
    ).toEqual([
      '| `A_MS` | `2592000000` (30 days) | x, y | m |',
      '| `B_SECONDS` | `86400` (1 day) | x, y | m |',
      '| `C_S` | `1800` (30 min) | x, y | m |',
      '| `D_MS` | `10000` | x, y | m |',
      '| `E` | (computed) | x, y | m |',
    ]);
  });
});
