import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinary, waitFor } from '../lib/process/ports.ts';
import { startTestBroker, type TestBroker } from '../testkit/broker.ts';

const exec = promisify(execFile);
const CLI = join(import.meta.dirname, 'devices-cli.ts');

/** `npm run devices -- integration ...` as an operator runs it, on the running broker's registry. */
async function cli(
  registry: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(nodeBinary(), [
      CLI,
      'integration',
      ...args,
      '--registry',
      registry,
    ]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const counted = async (t: TestBroker) =>
  (await t.broker.metrics.publishDenied.get()).values.find((v) => v.labels.reason === 'acl')?.value ?? 0;

describe('integration accounts, created with the CLI on a running broker', () => {
  let t: TestBroker;
  let secret = '';
  let feed: MqttClient;
  const got: string[] = [];

  beforeAll(async () => {
    // The broker watches its registry: what the CLI writes applies without a restart.
    t = await startTestBroker([{ id: 'aq-int-01', kind: 'air_quality' }]);
    const added = await cli(
      t.registryPath,
      'add',
      'city-feed',
      ...['--publish', '+/+', '--subscribe', '+/+', '--deny', 'city/secret'],
    );
    expect(added.code, added.stderr).toBe(0);
    secret = /secret \(shown once\): (\S+)/.exec(added.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^\S{32,}$/);
    await waitFor(
      async () => {
        try {
          feed = await t.connect('city-feed', { clientId: 'city-feed:sub', password: secret });
          return true;
        } catch {
          return false; // until the broker has reloaded the registry
        }
      },
      5000,
      'the new account to be accepted',
    );
    feed.on('message', (topic, payload) => got.push(`${topic} ${payload}`));
  });
  afterAll(async () => t?.close());

  it('lists the account with its patterns, never its secret or hash', async () => {
    const listed = await cli(t.registryPath, 'list', '--json');
    const [account] = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(account).toMatchObject({
      username: 'city-feed',
      publish: ['+/+'],
      subscribe: ['+/+'],
      deny: ['city/secret'],
    });
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toContain('scrypt$');
  });

  it('allowed: subscribes +/+ and gets what it publishes on city/air', async () => {
    const granted = await feed.subscribeAsync('+/+', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    await feed.publishAsync('city/air', 'pm25=12', { qos: 1 });
    await waitFor(() => got.includes('city/air pm25=12'), 5000, 'city/air');
  });

  it('denied: city/secret is refused as a subscription (SUBACK 0x80) and its publish dropped and counted', async () => {
    await expect(feed.subscribeAsync('city/secret', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const before = await counted(t);
    await feed.publishAsync('city/secret', 'leak', { qos: 1 }); // acknowledged [MQTT-3.3.5-2]...
    await feed.publishAsync('city/air', 'after', { qos: 1 });
    await waitFor(() => got.includes('city/air after'), 5000, 'the publish after');
    expect(await counted(t)).toBe(before + 1); // ...dropped and counted
    expect(got).not.toContain('city/secret leak'); // never routed, so +/+ does not get it either
  });

  it('a deny keeps another account’s publish on city/secret from its +/+ subscription', async () => {
    const sensor = await cli(t.registryPath, 'add', 'city-sensor', '--publish', 'city/#');
    const sensorSecret = /secret \(shown once\): (\S+)/.exec(sensor.stdout)?.[1];
    let publisher: MqttClient | undefined;
    await waitFor(
      async () => {
        publisher = await t.connect('city-sensor', { password: sensorSecret }).catch(() => undefined);
        return publisher !== undefined;
      },
      5000,
      'city-sensor to be accepted',
    );
    await publisher?.publishAsync('city/secret', 'for others', { qos: 1 });
    await publisher?.publishAsync('city/air', 'from the sensor', { qos: 1 });
    await waitFor(() => got.includes('city/air from the sensor'), 5000, 'the publish after');
    expect(got).not.toContain('city/secret for others');
  });

  it("denied by the contract: +/+ publishes nothing under the pipeline's roots, and reads no device topics", async () => {
    const before = await counted(t);
    await feed.publishAsync('alerts/forged', 'x', { qos: 1 });
    await feed.publishAsync('readings/forged', 'x', { qos: 1 });
    expect(await counted(t)).toBe(before + 2);
    await expect(feed.subscribeAsync('cmd/aq-int-01', { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });

  it('refuses patterns against the topic contract, each with its reason, and writes nothing', async () => {
    const refused = await cli(
      t.registryPath,
      'add',
      'bad-feed',
      ...[
        '--publish',
        'sensors/air_quality/aq-int-01',
        '--subscribe',
        'sensors/+/+',
        '--subscribe',
        '$SYS/#',
      ],
      ...['--deny', 'a/#/b'],
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/sensors\/ belongs to the pipeline/);
    expect(refused.stderr).toMatch(/needs read_devices \(--read-devices\)/);
    expect(refused.stderr).toMatch(/"\$SYS\/#" is a `\$` topic/);
    expect(refused.stderr).toMatch(/"a\/#\/b" is not a valid MQTT filter/);
    expect((await cli(t.registryPath, 'list')).stdout).not.toMatch(/bad-feed/);
    // With the grant, reading devices is what it asked for.
    const reader = await cli(
      t.registryPath,
      'add',
      'national-feed',
      '--subscribe',
      'sensors/+/+',
      '--read-devices',
    );
    expect(reader.code, reader.stderr).toBe(0);
  });

  it('remove closes its live session and refuses it from then on', async () => {
    const closed = new Promise<void>((resolve) => feed.once('close', () => resolve()));
    expect((await cli(t.registryPath, 'remove', 'city-feed')).code).toBe(0);
    await closed;
    await expect(t.connect('city-feed', { clientId: 'city-feed:again', password: secret })).rejects.toThrow();
  });
});
