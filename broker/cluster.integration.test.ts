import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { nextMessage } from '../testkit/broker.ts';
import { makeRegistry } from '../testkit/pipeline.ts';
import { type LocalRedis, startLocalRedis } from '../testkit/redis.ts';
import { BrokerConfigSchema } from './config.ts';
import { type BrokerService, startBroker } from './service.ts';

describe('cluster: two broker nodes sharing a real redis-server', () => {
  let redis: LocalRedis;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;
  const nodes: BrokerService[] = [];
  const clients: MqttClient[] = [];

  const connect = async (node: BrokerService, name: string, options: mqtt.IClientOptions = {}) => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${node.port}`, {
      clientId: name,
      username: name,
      password: registry.secrets.get(name),
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startLocalRedis();
    registry = await makeRegistry([{ id: 'ww-tapos-01', kind: 'wastewater' }]);
    const config = BrokerConfigSchema.parse({
      port: 0,
      httpPort: -1,
      registryPath: registry.path,
      persistence: { type: 'redis', redisUrl: redis.url },
    });
    for (let i = 0; i < 2; i++) nodes.push(await startBroker(config, silentLogger()));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    for (const node of nodes) await node.close();
    await redis?.stop();
    await registry?.cleanup();
  });

  it('delivers what a device publishes on node A to a subscriber on node B', async () => {
    const [a, b] = nodes as [BrokerService, BrokerService];
    const ingest = await connect(b, 'ingest');
    await ingest.subscribeAsync('sensors/+/+', { qos: 1 });
    const device = await connect(a, 'ww-tapos-01');
    const arrived = nextMessage(ingest, 'sensors/wastewater/ww-tapos-01');
    await device.publishAsync('sensors/wastewater/ww-tapos-01', '{"ts":1,"values":{"ph":7.1}}', { qos: 1 });
    expect((await arrived).payload).toBe('{"ts":1,"values":{"ph":7.1}}');
  });

  it('serves a retained status stored through node A to a subscriber on node B', async () => {
    const [, b] = nodes as [BrokerService, BrokerService];
    // The device connected to node A in the test above: the broker retained its status as online.
    const dashboard = await connect(b, 'dashboard');
    const status = nextMessage(dashboard, 'sensors/wastewater/ww-tapos-01/status');
    await dashboard.subscribeAsync('sensors/+/+/status', { qos: 1 });
    expect(await status).toEqual({ payload: 'online', retain: true });
  });

  it('keeps a persistent session queued in redis: it leaves node B and resumes on node A', async () => {
    const [a, b] = nodes as [BrokerService, BrokerService];
    const first = await connect(b, 'flows', { clean: false });
    await first.subscribeAsync('sensors/+/+/status', { qos: 1 });
    await first.endAsync();
    const device = await connect(a, 'ww-tapos-01', { clientId: 'ww-tapos-01:2' });
    await device.publishAsync('sensors/wastewater/ww-tapos-01/status', 'online', { qos: 1, retain: true });
    const again = mqtt.connect(`mqtt://127.0.0.1:${a.port}`, {
      clientId: 'flows',
      username: 'flows',
      password: registry.secrets.get('flows'),
      reconnectPeriod: 0,
      clean: false,
    });
    clients.push(again);
    const queued = nextMessage(again, 'sensors/wastewater/ww-tapos-01/status');
    expect((await queued).payload).toBe('online');
  });
});
