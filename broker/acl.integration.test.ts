import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextMessage, startTestBroker, type TestBroker } from '../testkit/broker.ts';
import type { BrokerMetrics } from './metrics.ts';
import { ACCOUNTS, type AccountType, PUBLISH_MATRIX, SUBSCRIBE_MATRIX } from './testdata/acl-matrix.ts';

async function aclDenials(metrics: BrokerMetrics): Promise<number> {
  const { values } = await metrics.publishDenied.get();
  return values.find((v) => v.labels.reason === 'acl')?.value ?? 0;
}

describe('ACL over real sockets', () => {
  let t: TestBroker;
  const clients = {} as Record<AccountType, MqttClient>;

  beforeAll(async () => {
    t = await startTestBroker([
      { id: 'aq-beji-01', kind: 'air_quality' },
      { id: 'aq-beji-02', kind: 'air_quality' },
    ]);
    for (const account of ACCOUNTS)
      clients[account] = await t.connect(account === 'device' ? 'aq-beji-01' : account);
  });
  afterAll(async () => t?.close());

  for (const account of ACCOUNTS) {
    it(`${account}: SUBACK grants exactly the allowed filters, 0x80 for the rest`, async () => {
      const filters = SUBSCRIBE_MATRIX.map((row) => row.filter);
      const granted = await new Promise<number[]>((resolve) =>
        clients[account].subscribe(filters, { qos: 1 }, (_err, _granted, packet) =>
          resolve((packet as { granted?: number[] } | undefined)?.granted ?? []),
        ),
      );
      const expected = SUBSCRIBE_MATRIX.map((row) => (row.allowed.includes(account) ? 1 : 0x80));
      expect(filters.map((f, i) => [f, granted[i]])).toEqual(filters.map((f, i) => [f, expected[i]]));
    });

    it(`${account}: publishes outside its topics are acknowledged, dropped and counted`, async () => {
      for (const { topic, allowed } of PUBLISH_MATRIX) {
        const before = await aclDenials(t.broker.metrics);
        await clients[account].publishAsync(topic, 'x', { qos: 1 });
        const dropped = (await aclDenials(t.broker.metrics)) - before;
        expect([topic, dropped]).toEqual([topic, allowed.includes(account) ? 0 : 1]);
      }
    });
  }

  it('delivers a device reading to ingest but never a foreign device topic', async () => {
    const ingest = await t.connect('ingest', { clientId: 'ingest:acl' });
    await ingest.subscribeAsync('sensors/+/+', { qos: 1 });
    const other = await t.connect('aq-beji-02');
    const seen: string[] = [];
    ingest.on('message', (topic) => seen.push(topic));
    // aq-beji-02 pretends to be aq-beji-01, then publishes its own reading; only the latter arrives.
    await other.publishAsync('sensors/air_quality/aq-beji-01', '{"spoof":true}', { qos: 1 });
    const own = nextMessage(ingest, 'sensors/air_quality/aq-beji-02');
    await other.publishAsync('sensors/air_quality/aq-beji-02', '{}', { qos: 1 });
    await own;
    expect(seen).toEqual(['sensors/air_quality/aq-beji-02']);
  });
});
