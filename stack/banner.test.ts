import { describe, expect, it } from 'vitest';
import { type StackEndpoints, stackBanner } from './banner.ts';

const full: StackEndpoints = {
  stations: 37,
  stateDir: '/home/sari/depok-env/state',
  mqtt: 'mqtt://127.0.0.1:1883',
  influx: { url: 'http://127.0.0.1:8086', database: 'environment' },
  broker: {
    httpUrl: 'http://127.0.0.1:9101',
    adminTokenFile: '/home/sari/depok-env/state/broker-admin-token',
  },
  ingest: { httpUrl: 'http://127.0.0.1:9102' },
  flows: {
    url: 'http://127.0.0.1:1880',
    user: 'admin',
    passwordFile: '/home/sari/depok-env/state/flows/editor-password',
  },
  console: {
    url: 'http://127.0.0.1:8080',
    user: 'admin',
    passwordFile: '/home/sari/depok-env/state/console-admin-password',
    usersFile: '/home/sari/depok-env/state/records.db',
  },
};

/** The banner's entries: a name line followed by its login line. */
function entries(text: string): Record<string, { where: string; login: string }> {
  const lines = text.split('\n');
  const out: Record<string, { where: string; login: string }> = {};
  lines.forEach((line, i) => {
    const m = line.match(/^ {2}(\S.*?) {2,}(\S.*)$/);
    if (m?.[1] && m[2]) out[m[1]] = { where: m[2], login: (lines[i + 1] ?? '').trim() };
  });
  return out;
}

describe('stackBanner', () => {
  it("has the README's rows, with this start's URLs and where each secret is, relative to the checkout", () => {
    const rows = entries(stackBanner(full, '/home/sari/depok-env'));
    expect(rows).toEqual({
      'operator console': {
        where: 'http://127.0.0.1:8080',
        login: 'admin, password in state/console-admin-password',
      },
      'Node-RED editor (alert flows)': {
        where: 'http://127.0.0.1:1880',
        login: 'admin, password in state/flows/editor-password',
      },
      'broker admin API, health, metrics': {
        where: 'http://127.0.0.1:9101  (/admin/*, /healthz, /metrics)',
        login: 'bearer token in state/broker-admin-token',
      },
      'ingest health, metrics, HTTP ingest': {
        where: 'http://127.0.0.1:9102  (/healthz, /readyz, /metrics; POST /v1/readings/<kind>/<station>)',
        login: "health and metrics: none; HTTP ingest: the device's id and secret (Basic)",
      },
      MQTT: { where: 'mqtt://127.0.0.1:1883', login: 'device and service secrets in state/ (mode 0600)' },
      InfluxDB: {
        where: 'http://127.0.0.1:8086  database environment',
        login: 'none (local influxd, loopback only)',
      },
    });
  });

  it('keeps absolute paths outside the working folder, and says so when a login is not in a file', () => {
    const text = stackBanner(
      {
        ...full,
        stateDir: '/var/lib/depok',
        broker: { httpUrl: 'http://127.0.0.1:9101' },
        flows: { url: 'http://127.0.0.1:1880', user: 'ops' },
        console: { url: 'http://127.0.0.1:8080', usersFile: '/var/lib/depok/records.db' },
        influx: {
          url: 'https://influx.internal:8086',
          database: 'env',
          login: 'the INFLUX_* credentials you set',
        },
      },
      '/home/sari/depok-env',
    );
    const rows = entries(text);
    expect(rows['operator console']?.login).toBe(
      'the users in /var/lib/depok/records.db (npm run users -- list)',
    );
    expect(rows['Node-RED editor (alert flows)']?.login).toBe(
      'ops, the password hashed in FLOWS_ADMIN_PASSWORD_HASH',
    );
    expect(rows['broker admin API, health, metrics']?.login).toBe(
      'bearer token: the BROKER_ADMIN_TOKEN you set',
    );
    expect(rows.MQTT?.login).toBe('device and service secrets in /var/lib/depok/ (mode 0600)');
    expect(rows.InfluxDB?.login).toBe('the INFLUX_* credentials you set');
  });

  it('leaves out what is not running', () => {
    const text = stackBanner(
      { ...full, flows: undefined, console: undefined, broker: {}, ingest: {} },
      '/home/sari/depok-env',
    );
    expect(Object.keys(entries(text))).toEqual(['MQTT', 'InfluxDB']);
    expect(text).toContain('stack running: 37 simulated stations. Ctrl-C stops everything.');
  });
});
