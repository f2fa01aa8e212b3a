import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa, startTestBroker, type TestBroker, type TestCa } from '../testkit/broker.ts';

/** Runs a Mosquitto CLI client; resolves with its exit code and output (a refusal is a result, not an error). */
function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Mosquitto CLI clients (mosquitto_pub, mosquitto_sub) against the broker', () => {
  let t: TestBroker;
  let ca: TestCa;
  let caDir: string;
  const as = (name: string) => [
    '-h',
    '127.0.0.1',
    '-p',
    String(t.broker.port),
    '-i',
    name,
    '-u',
    name,
    '-P',
    t.secrets.get(name) as string,
  ];

  beforeAll(async () => {
    caDir = await mkdtemp(join(tmpdir(), 'broker-ca-'));
    ca = await makeTestCa(caDir);
    t = await startTestBroker([{ id: 'aq-mosq-01', kind: 'air_quality' }], {
      tls: { port: 0, certPath: ca.certPath, keyPath: ca.keyPath },
    });
  });
  afterAll(async () => {
    await t?.close();
    await rm(caDir, { recursive: true, force: true });
  });

  it('accepts a device with its secret and refuses a wrong one or none', async () => {
    const topic = ['-t', 'sensors/air_quality/aq-mosq-01', '-m', '{"ts":1,"values":{"pm25":12}}', '-q', '1'];
    expect((await run('mosquitto_pub', [...as('aq-mosq-01'), ...topic])).code).toBe(0);
    const wrong = await run('mosquitto_pub', [...as('aq-mosq-01').slice(0, -1), 'wrong', ...topic]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/bad user name or password/i);
    const anonymous = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(t.broker.port), ...topic]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/not authori[sz]ed/i);
  });

  it("queues a QoS 1 reading for ingest's persistent session (mosquitto_sub -c)", async () => {
    const sub = [...as('ingest'), '-c', '-q', '1', '-t', 'sensors/+/+'];
    expect((await run('mosquitto_sub', [...sub, '-E'])).code).toBe(0); // open the session, then leave
    const payload = '{"ts":2,"values":{"pm25":13}}';
    const pub = ['-t', 'sensors/air_quality/aq-mosq-01', '-m', payload, '-q', '1'];
    expect((await run('mosquitto_pub', [...as('aq-mosq-01'), ...pub])).code).toBe(0);
    const received = await run('mosquitto_sub', [...sub, '-C', '1', '-W', '10', '-v']);
    expect(received.stdout.trim()).toBe(`sensors/air_quality/aq-mosq-01 ${payload}`);
  });

  it('refuses subscriptions outside the ACL (SUBACK 0x80) and drops foreign publishes', async () => {
    // mosquitto_sub reads the SUBACK and reports the 0x80 on stderr.
    const denied = await run('mosquitto_sub', [...as('aq-mosq-01'), '-t', '#', '-E']);
    expect(denied.stderr).toMatch(/All subscription requests were denied/);
    const allowed = await run('mosquitto_sub', [...as('aq-mosq-01'), '-t', 'cmd/aq-mosq-01', '-E']);
    expect([allowed.code, allowed.stderr]).toEqual([0, '']);
    const before =
      (await t.broker.metrics.publishDenied.get()).values.find((v) => v.labels.reason === 'acl')?.value ?? 0;
    const foreign = ['-t', 'alerts/air_quality/aq-mosq-01/fake', '-m', 'x', '-q', '1'];
    expect((await run('mosquitto_pub', [...as('aq-mosq-01'), ...foreign])).code).toBe(0); // acknowledged...
    const after =
      (await t.broker.metrics.publishDenied.get()).values.find((v) => v.labels.reason === 'acl')?.value ?? 0;
    expect(after - before).toBe(1); // ...and dropped
  });

  it('keeps retained messages: a device status published with -r reaches a later dashboard', async () => {
    const status = ['-t', 'sensors/air_quality/aq-mosq-01/status', '-m', 'maintenance', '-q', '1', '-r'];
    expect((await run('mosquitto_pub', [...as('aq-mosq-01'), ...status])).code).toBe(0);
    // A later subscriber gets the retained value at once: "maintenance", or the broker's own "offline" once
    // it has seen mosquitto_pub leave (both are retained on the device's status topic).
    const sub = ['-t', 'sensors/air_quality/aq-mosq-01/status', '-C', '1', '-W', '5', '-v'];
    const read = await run('mosquitto_sub', [...as('dashboard'), ...sub]);
    expect(read.stdout).toMatch(/^sensors\/air_quality\/aq-mosq-01\/status (maintenance|offline)\n$/);
  });

  it('speaks TLS with the test CA; a client without it fails', async () => {
    const tls = ['-p', String(t.broker.tlsPort), '--cafile', ca.caPath];
    const pub = ['-t', 'sensors/air_quality/aq-mosq-01', '-m', '{"ts":3,"values":{"pm25":14}}', '-q', '1'];
    const args = as('aq-mosq-01').filter((_, i) => i > 3);
    expect((await run('mosquitto_pub', ['-h', '127.0.0.1', ...tls, ...args, ...pub])).code).toBe(0);
    const plain = await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.broker.tlsPort),
      ...args,
      ...pub,
    ]);
    expect(plain.code).not.toBe(0);
  });
});
