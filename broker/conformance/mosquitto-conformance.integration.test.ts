import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/process/ports.ts';
import { startTestBroker, type TestBroker } from '../../testkit/broker.ts';

/**
 * The conformance items again with the Mosquitto command-line clients, where they can express them.
 * They cannot send a keepalive of 0 (mosquitto_pub 2.0: "it must be between 5 and 65535") nor
 * ill-formed UTF-8 or U+0000 ("Malformed UTF-8 in -t argument"): those are checked over raw sockets
 * in conformance.integration.test.ts.
 */

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('MQTT 3.1.1 conformance with mosquitto_pub and mosquitto_sub', () => {
  let t: TestBroker;
  const subs: ChildProcess[] = [];
  const login = (account: string) => [
    '-h',
    '127.0.0.1',
    '-p',
    String(t.broker.port),
    '-u',
    account,
    '-P',
    t.secrets.get(account) as string,
  ];

  /** mosquitto_sub printing `MSG <qos> <topic> <payload>` per message; resolves once its SUBACK is in. */
  async function subscriber(args: string[]) {
    // stdbuf: mosquitto_sub's stdout is a pipe here, block-buffered without it; its SUBACK line tells us when to publish.
    const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', ...args, '-d', '-F', 'MSG %q %t %p']);
    subs.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor(() => /received SUBACK/.test(out), 5000, 'the SUBACK');
    const messages = () => out.split('\n').filter((line) => line.startsWith('MSG '));
    return { messages, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
  }
  const publish = (topic: string, payload: string, qos: string) =>
    run('mosquitto_pub', [
      ...login('ingest'),
      '-i',
      'ingest:mosq-pub',
      '-t',
      topic,
      '-m',
      payload,
      '-q',
      qos,
    ]);

  beforeAll(async () => {
    t = await startTestBroker([{ id: 'aq-mosq-c1', kind: 'air_quality' }]);
  });
  afterAll(async () => {
    for (const child of subs) child.kill();
    await t?.close();
  });

  it('two overlapping subscriptions at QoS 2: one copy of a QoS 2 publish (was two)', async () => {
    const sub = await subscriber([
      ...login('dashboard'),
      ...['-i', 'dashboard:mosq-overlap', '-q', '2', '-t', 'readings/#', '-t', 'readings/+/+', '-C', '2'],
    ]);
    expect((await publish('readings/air_quality/aq-mosq-c1', 'one', '2')).code).toBe(0);
    expect((await publish('readings/air_quality/aq-mosq-c1', 'marker', '2')).code).toBe(0);
    expect(await sub.exited).toBe(0); // -C 2: two messages and out
    expect(sub.messages()).toEqual([
      'MSG 2 readings/air_quality/aq-mosq-c1 one',
      'MSG 2 readings/air_quality/aq-mosq-c1 marker',
    ]);
  });

  it('a wildcard subscription at QoS 1 gets a QoS 2 publish at QoS 1 (was 2)', async () => {
    const sub = await subscriber([
      ...login('dashboard'),
      ...['-i', 'dashboard:mosq-downgrade', '-q', '1', '-t', 'readings/#', '-C', '1'],
    ]);
    expect((await publish('readings/ispu/aq-mosq-c1', 'two', '2')).code).toBe(0);
    expect(await sub.exited).toBe(0);
    expect(sub.messages()).toEqual(['MSG 1 readings/ispu/aq-mosq-c1 two']);
  });

  it('mosquitto_pub without -i (a zero-length client id) is accepted and its reading delivered (was CONNACK 2)', async () => {
    const sub = await subscriber([
      ...login('ingest'),
      '-i',
      'ingest:mosq-sub',
      '-q',
      '1',
      '-t',
      'sensors/+/+',
      '-C',
      '1',
    ]);
    const reading = '{"ts":1,"values":{"pm25":12}}';
    const sent = await run('mosquitto_pub', [
      ...login('aq-mosq-c1'),
      ...['-t', 'sensors/air_quality/aq-mosq-c1', '-m', reading, '-q', '1', '-d'],
    ]);
    // libmosquitto 2.0 sends the CONNECT of a client without -i with an empty id ("Client (null)").
    expect([sent.code, sent.stdout]).toEqual([
      0,
      expect.stringMatching(/Client \(null\) received CONNACK \(0\)/),
    ]);
    expect(await sub.exited).toBe(0);
    expect(sub.messages()).toEqual([`MSG 1 sensors/air_quality/aq-mosq-c1 ${reading}`]);
  });
});
