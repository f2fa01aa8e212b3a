import { get } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { openRecords } from '../lib/records/database.ts';
import { setServiceAccount } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { seedConsoleUsers } from '../testkit/console.ts';
import { type Pipeline, startPipeline, TEST_SCRYPT } from '../testkit/pipeline.ts';
import { ConsoleConfigSchema } from './config.ts';
import { type ConsoleService, startConsole } from './service.ts';

// Issue 14, "done when": real logins on the real pipeline (broker + ingest + influxd), a user scoped to
// PDAM Tirta Asasta, a viewer, an operator, an admin who manages them, and the audit log of it all.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'wn-pancoran-01', kind: 'water_network', district: 'pancoran-mas', operator: PDAM },
  { id: 'ww-tapos-01', kind: 'wastewater', district: 'tapos', operator: 'UPTD PAL Depok' },
  { id: 'aq-beji-01', kind: 'air_quality', district: 'beji', operator: 'DLHK Depok' },
];
const [WN, WW, AQ] = STATIONS as [(typeof STATIONS)[0], (typeof STATIONS)[1], (typeof STATIONS)[2]];
const VALUES: Record<string, Record<string, number>> = {
  water_network: { pressure: 2.4, flow: 40 },
  wastewater: { ph: 7.2, bod: 20 },
  air_quality: { pm25: 21, pm10: 40 },
};
const RULES: Record<string, string> = {
  water_network: 'pressure-low',
  wastewater: 'bod-limit',
  air_quality: 'pm25-24h',
};
const PASSWORD = 'sandi yang cukup panjang';
const alertTopic = (s: (typeof STATIONS)[number]) => `alerts/${s.kind}/${s.id}/${RULES[s.kind]}`;
const alertBody = (s: (typeof STATIONS)[number]) => ({
  id: `${s.kind}/${s.id}/${RULES[s.kind]}`,
  kind: s.kind,
  station: s.id,
  rule: RULES[s.kind],
  state: 'raised',
  severity: 'warning',
  message: 'over the limit',
  raised_at: Date.now(),
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads loosely typed JSON answers.
const body = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

type Stream = { frames: { event: string; data: string }[]; closedAt: Promise<number>; close(): void };

describe('roles and scope with real logins on the pipeline', () => {
  let p: Pipeline;
  let console_: ConsoleService;
  let flows: MqttClient;
  let dir: string;
  const acks: { topic: string; by: string }[] = [];
  const cookies = new Map<string, string>();

  const api = (path: string, user: string, init: RequestInit = {}) =>
    fetch(`${console_.url}${path}`, {
      ...init,
      headers: { cookie: cookies.get(user) ?? '', 'content-type': 'application/json', ...init.headers },
    });
  const login = async (username: string, password = PASSWORD) => {
    const res = await fetch(`${console_.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) cookies.set(username, (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '');
    return res.status;
  };
  const ack = (user: string, s: (typeof STATIONS)[number]) =>
    api(`/api/${alertTopic(s)}/ack`, user, {
      method: 'POST',
      body: JSON.stringify({ comment: `by ${user}` }),
    });
  const openStream = (user: string) =>
    new Promise<Stream>((resolve, reject) => {
      const req = get(
        `${console_.url}/api/events`,
        { headers: { cookie: cookies.get(user) ?? '' } },
        (res) => {
          const frames: Stream['frames'] = [];
          let buffer = '';
          let closed: (at: number) => void = () => {};
          const closedAt = new Promise<number>((r) => {
            closed = r;
          });
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (\w+)$/m.exec(frame)?.[1];
              const data = /^data: (.*)$/m.exec(frame)?.[1];
              if (event && data) frames.push({ event, data });
            }
          });
          res.on('close', () => closed(Date.now()));
          expect(res.statusCode).toBe(200);
          resolve({ frames, closedAt, close: () => req.destroy() });
        },
      );
      req.on('error', reject);
    });

  beforeAll(async () => {
    p = await startPipeline(STATIONS);
    const added = await setServiceAccount(
      await loadRegistry(p.registryPath),
      'operator',
      'operator',
      TEST_SCRYPT,
    );
    await saveRegistry(p.registryPath, added.registry);
    await waitFor(
      async () => {
        const c = await mqtt.connectAsync(p.mqttUrl, {
          clientId: 'operator:probe',
          username: 'operator',
          password: added.secret,
          reconnectPeriod: 0,
        });
        await c.endAsync();
        return true;
      },
      10_000,
      'the broker to load the operator account',
    );
    flows = await p.connect('flows', 'flows:roles-test');
    flows.on('message', (topic, payload) => {
      if (topic.endsWith('/ack')) acks.push({ topic, by: JSON.parse(payload.toString()).by });
    });
    await flows.subscribeAsync('alerts/#', { qos: 1 });
    dir = p.registryPath.slice(0, p.registryPath.lastIndexOf('/'));
    const records = openRecords(`${dir}/records.db`);
    await seedConsoleUsers(records, [
      { username: 'admin', password: PASSWORD, roles: ['admin'] },
      { username: 'ops', password: PASSWORD, roles: ['operator'] },
    ]);
    records.close();
    console_ = await startConsole(
      ConsoleConfigSchema.parse({
        http: { port: 0 },
        mqtt: { url: p.mqttUrl, password: p.secrets.get('dashboard'), ackPassword: added.secret },
        influx: { url: p.influx.url, database: p.database },
        registryPath: p.registryPath,
        recordsPath: `${dir}/records.db`,
        usersPath: `${dir}/console-users.json`,
      }),
      silentLogger(),
    );
    await waitFor(() => console_.connected(), 10_000, 'console feed');
    for (const s of STATIONS)
      await flows.publishAsync(alertTopic(s), JSON.stringify(alertBody(s)), { qos: 1, retain: true });
    expect(await login('admin')).toBe(200);
    expect(await login('ops')).toBe(200);
    await waitFor(
      async () => (await body(api('/api/alerts', 'ops'))).alerts.length === 3,
      10_000,
      'the alerts',
    );
  });
  afterAll(async () => {
    await console_?.close();
    await flows?.endAsync(true);
    await p?.close();
  });

  it('an admin adds users through the API; bad input is refused and changes nothing', async () => {
    const before = await (await api('/api/admin/users', 'admin')).text();
    for (const [input, problem] of [
      [{ roles: ['superuser'] }, /unknown role 'superuser'/],
      [{ roles: ['viewer'], operators: ['PDAM Palsu'] }, /operator 'PDAM Palsu' is not in the registry/],
      [{ roles: ['viewer'], operators: [] }, /empty operator list/],
      [{ roles: ['viewer'], kinds: ['noise'] }, /kind 'noise' is not in the catalogue/],
    ] as const) {
      const res = await api('/api/admin/users', 'admin', {
        method: 'POST',
        body: JSON.stringify({ username: 'budi', password: PASSWORD, ...input }),
      });
      expect(res.status).toBe(400);
      expect((await body(res)).error).toMatch(problem);
    }
    expect(await (await api('/api/admin/users', 'admin')).text()).toBe(before);
    for (const user of [
      { username: 'pdam', roles: ['operator'], operators: [PDAM] },
      { username: 'vera', roles: ['viewer'] },
    ]) {
      const res = await api('/api/admin/users', 'admin', {
        method: 'POST',
        body: JSON.stringify({ ...user, password: PASSWORD }),
      });
      expect(res.status).toBe(201);
    }
    expect(await login('pdam', 'not the password')).toBe(401);
    expect(await login('pdam')).toBe(200);
    expect(await login('vera')).toBe(200);
  });

  it('the PDAM user sees only PDAM stations in /api/status, detail and history, and in the live stream', async () => {
    const status = await body(api('/api/status', 'pdam'));
    expect(status.stations.map((s: { id: string }) => s.id)).toEqual([WN.id]);
    expect((await api(`/api/stations/${WN.id}`, 'pdam')).status).toBe(200);
    expect((await api(`/api/stations/${WN.id}/history?hours=1`, 'pdam')).status).toBe(200);
    for (const other of [WW, AQ]) {
      expect((await api(`/api/stations/${other.id}`, 'pdam')).status).toBe(403);
      expect((await api(`/api/stations/${other.id}/history?hours=1`, 'pdam')).status).toBe(403);
    }
    expect((await body(api('/api/status', 'vera'))).stations).toHaveLength(3);

    const stream = await openStream('pdam');
    try {
      // Every station publishes for several seconds; the flows re-raise every alert.
      const devices = await Promise.all(STATIONS.map((s) => p.device(s.id)));
      const until = Date.now() + 4_000;
      for (let i = 0; Date.now() < until; i++) {
        await Promise.all(
          STATIONS.map((s, n) =>
            devices[n]?.publishAsync(
              `sensors/${s.kind}/${s.id}`,
              JSON.stringify({ ts: Date.now(), values: VALUES[s.kind] }),
              { qos: 1 },
            ),
          ),
        );
        if (i % 4 === 0)
          for (const s of STATIONS)
            await flows.publishAsync(alertTopic(s), JSON.stringify(alertBody(s)), { qos: 1, retain: true });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // The ops user (unscoped) saw the other stations' readings arrive: they were there to leak.
      await waitFor(
        async () => {
          const all = (await body(api('/api/status', 'ops'))).stations;
          return all.every((s: { values: Record<string, number> }) => Object.keys(s.values).length > 0);
        },
        10_000,
        'readings of every station',
      );
      const [snapshot, ...live] = stream.frames;
      expect(snapshot?.event).toBe('snapshot');
      expect(JSON.parse(snapshot?.data ?? '{}').stations.map((s: { id: string }) => s.id)).toEqual([WN.id]);
      expect(
        live.filter((f) => f.event === 'station' && f.data.includes('"pressure"')).length,
      ).toBeGreaterThan(3);
      expect(live.filter((f) => f.event === 'alert').length).toBeGreaterThan(0);
      for (const frame of live) {
        expect(frame.data).not.toContain(WW.id);
        expect(frame.data).not.toContain(AQ.id);
      }
    } finally {
      stream.close();
    }
  });

  it('acknowledging: 403 out of scope and for a viewer, 202 for operators in scope', async () => {
    const outside = await ack('pdam', WW);
    expect(outside.status).toBe(403);
    expect((await body(outside)).error).toMatch(/outside your scope/);
    for (const s of STATIONS) expect((await ack('vera', s)).status).toBe(403);
    expect((await ack('pdam', WN)).status).toBe(202);
    expect((await ack('ops', WW)).status).toBe(202);
    await waitFor(() => acks.length >= 2, 10_000, 'the acks on MQTT');
    expect(acks).toEqual([
      { topic: `${alertTopic(WN)}/ack`, by: 'pdam' },
      { topic: `${alertTopic(WW)}/ack`, by: 'ops' },
    ]);
  });

  it('removing a user ends their open stream within 1 s', async () => {
    const stream = await openStream('pdam');
    await waitFor(() => stream.frames.length > 0, 5_000, 'the snapshot');
    const removedAt = Date.now();
    expect((await api('/api/admin/users/pdam', 'admin', { method: 'DELETE', body: '{}' })).status).toBe(204);
    const closedAfter = await Promise.race([
      stream.closedAt.then((at) => at - removedAt),
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 3_000)),
    ]);
    stream.close();
    expect(closedAfter).toBeLessThan(1_000);
    expect((await api('/api/status', 'pdam')).status).toBe(401);
  });

  it('the audit log, read through the API, holds each of these actions with user, time and target', async () => {
    const res = await api('/api/admin/audit?limit=500', 'admin');
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as {
      entries: { at: string; actor: string; action: string; target: string; address: string | null }[];
    };
    const seen = entries.map((e) => `${e.actor} ${e.action} ${e.target}`);
    for (const expected of [
      'admin login admin',
      'admin user_added pdam',
      'admin user_added vera',
      'pdam login_failed pdam',
      'pdam login pdam',
      'vera login vera',
      `pdam alert_acknowledged ${alertTopic(WN).slice('alerts/'.length)}`,
      `ops alert_acknowledged ${alertTopic(WW).slice('alerts/'.length)}`,
      'admin user_removed pdam',
    ])
      expect(seen).toContain(expected);
    const startedAt = Date.now() - 5 * 60_000;
    for (const e of entries.filter((x) => x.actor !== 'test')) {
      expect(Date.parse(e.at)).toBeGreaterThan(startedAt);
      expect(e.address).toBe('127.0.0.1');
    }
    const csv = await api('/api/admin/audit.csv?action=alert_acknowledged', 'admin');
    expect((await csv.text()).split('\r\n').filter(Boolean)).toHaveLength(3);
  });
});
