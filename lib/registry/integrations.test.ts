import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { IntegrationRulesSchema } from './integration-schema.ts';
import { addIntegration, removeIntegration } from './integrations.ts';
import { LiveRegistry } from './live-registry.ts';
import { addDevices, setServiceAccount } from './provision.ts';
import type { Registry } from './schema.ts';
import { VerifiedSecretCache } from './secrets.ts';
import { parseRegistry, saveRegistry } from './store.ts';
import { verifyAccount } from './verify-account.ts';

const cost = { N: 1024, r: 8, p: 1 };
const empty = (): Registry => ({ devices: [], services: [] });
const problems = (rules: object) => {
  const parsed = IntegrationRulesSchema.safeParse(rules);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe('integration rules against the topic contract', () => {
  it('takes valid filters of its own topics, the pipeline’s outputs to read, and denies', () => {
    expect(
      problems({
        publish: ['city/#', '+/+'],
        subscribe: ['readings/#', 'alerts/#', '#'],
        deny: ['city/secret'],
      }),
    ).toEqual([]);
    expect(problems({ subscribe: ['sensors/+/+', 'cmd/+'], read_devices: true })).toEqual([]);
  });
  it('refuses each breach with its reason', () => {
    const cases: [object, RegExp][] = [
      [{ subscribe: ['a/#/b'] }, /not a valid MQTT filter/],
      [{ subscribe: ['a/b+'] }, /not a valid MQTT filter/],
      [{ subscribe: [''] }, /not a valid MQTT filter/],
      [{ subscribe: ['$SYS/#'] }, /is a `\$` topic/],
      [{ publish: ['$SYS/broker'] }, /is a `\$` topic/],
      [{ subscribe: ['a/\u0000'] }, /U\+0000/],
      [{ subscribe: [`a/${'x'.repeat(300)}`] }, /longer than 256/],
      [{ subscribe: Array.from({ length: 65 }, (_, i) => `a/${i}`) }, /at most 64/],
      [{ publish: ['sensors/air_quality/aq-beji-01'] }, /sensors\/ belongs to the pipeline/],
      [{ publish: ['readings/#'] }, /readings\/ belongs to the pipeline/],
      [{ publish: ['alerts/x/y/z/ack'] }, /alerts\/ belongs to the pipeline/],
      [{ publish: ['cmd/aq-beji-01'] }, /cmd\/ belongs to the pipeline/],
      [{ publish: ['ingest/rejected/#'] }, /ingest\/ belongs to the pipeline/],
      [{ subscribe: ['sensors/#'] }, /needs read_devices/],
      [{ subscribe: ['cmd/aq-beji-01'] }, /needs read_devices/],
      [{ deny: ['city/secret'] }, /at least one publish or subscribe/],
      [{ subscribe: ['x/#'], extra: true }, /Unrecognized key/i],
    ];
    for (const [rules, reason] of cases)
      expect([rules, problems(rules).join('; ')]).toEqual([rules, expect.stringMatching(reason)]);
  });
});

describe('integration accounts in the registry', () => {
  it('adds one with a one-time secret, in the one namespace of account names', async () => {
    const { registry: withDevice } = await addDevices(
      empty(),
      [{ id: 'aq-beji-01', kind: 'air_quality' }],
      cost,
    );
    const { registry: withService } = await setServiceAccount(withDevice, 'ingest', 'ingest', cost);
    const { registry, secret, integration } = await addIntegration(
      withService,
      { username: 'city-feed', subscribe: ['readings/#'], deny: ['readings/ispu/#'] },
      cost,
    );
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(integration).toMatchObject({
      username: 'city-feed',
      publish: [],
      read_devices: false,
      revoked: false,
    });
    expect(integration).not.toHaveProperty('secret_hash');
    // What is saved parses back (the broker's reload), and names stay one namespace.
    expect(parseRegistry(JSON.stringify(registry)).integrations?.[0]?.username).toBe('city-feed');
    for (const taken of ['aq-beji-01', 'ingest', 'city-feed'])
      await expect(
        addIntegration(registry, { username: taken, subscribe: ['x/#'] }, cost),
      ).rejects.toMatchObject({
        statusCode: 409,
      });
    await expect(addDevices(registry, [{ id: 'city-feed', kind: 'air_quality' }], cost)).rejects.toThrow(
      /already exists/,
    );
    await expect(setServiceAccount(registry, 'city-feed', 'dashboard', cost)).rejects.toThrow(/integration/);
    const twice = {
      ...registry,
      devices: [...registry.devices, { ...registry.devices[0], id: 'city-feed' }],
    };
    expect(() => parseRegistry(JSON.stringify(twice))).toThrow(/appears twice/);
    expect(removeIntegration(registry, 'city-feed').integrations).toEqual([]);
    expect(() => removeIntegration(registry, 'nobody')).toThrow(/no integration 'nobody'/);
  });

  it('a registry without integrations keeps no key for them; a hand-edited bad pattern fails the load', () => {
    expect(parseRegistry('{"devices":[],"services":[]}')).not.toHaveProperty('integrations');
    const bad = { integrations: [{ username: 'x', secret_hash: 'scrypt$1', publish: ['alerts/#'] }] };
    expect(() => parseRegistry(JSON.stringify(bad))).toThrow(/alerts\/ belongs to the pipeline/);
  });

  it('the live registry verifies its secret, and reports it changed when its rules change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'integrations-'));
    try {
      const path = join(dir, 'registry.json');
      const added = await addIntegration(empty(), { username: 'city-feed', subscribe: ['city/#'] }, cost);
      await saveRegistry(path, added.registry);
      const live = new LiveRegistry(path, silentLogger());
      await live.load();
      const verdict = await verifyAccount(live, new VerifiedSecretCache(), 'city-feed', added.secret);
      expect(verdict).toMatchObject({ ok: true, account: { type: 'integration' } });
      expect(await verifyAccount(live, new VerifiedSecretCache(), 'city-feed', 'wrong')).toMatchObject({
        ok: false,
      });
      const [account] = added.registry.integrations ?? [];
      if (!account) throw new Error('no account');
      await saveRegistry(path, { ...added.registry, integrations: [{ ...account, deny: ['city/secret'] }] });
      expect(await live.load()).toEqual(['city-feed']); // its session is closed: it connected under other rules
      expect(await live.load()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
