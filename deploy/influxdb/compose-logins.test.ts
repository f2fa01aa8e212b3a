import { describe, expect, it } from 'vitest';
import { filledEnvExample, loadCompose } from './compose-env.ts';

// issue 12, item 3: in docker-compose the ingest and the flows wrote with the all-access token of the
// InfluxDB setup. Now each service has its own login, made by deploy/influxdb/init/10-v1-users.sh from
// the influxdb service's environment, and nothing but influxdb holds the token or the admin password.
const env = filledEnvExample();
const services = loadCompose(env);
const influxdb = services.get('influxdb')?.environment ?? {};
const envOf = (name: string) => services.get(name)?.environment ?? {};

/** The login a service uses: the username and password settings its config.ts reads. */
const LOGIN_SETTINGS = {
  ingest: ['INFLUX_USERNAME', 'INFLUX_PASSWORD'],
  flows: ['FLOWS_INFLUX_USERNAME', 'FLOWS_INFLUX_PASSWORD'],
  console: ['INFLUX_USERNAME', 'INFLUX_PASSWORD'],
  grafana: ['INFLUX_USERNAME', 'INFLUX_PASSWORD'],
} as const;
/** Which login of the init script each service must get (the script says what each may do). */
const EXPECTED = { ingest: 'INGEST', flows: 'FLOWS', console: 'READ', grafana: 'READ' } as const;

describe('docker-compose.yml InfluxDB logins', () => {
  it('gives the all-access token and the admin password to the influxdb service only', () => {
    const secrets = [env.INFLUX_ADMIN_TOKEN, env.INFLUX_ADMIN_PASSWORD];
    const holders = [...services]
      .filter(([, s]) => Object.values(s.environment).some((v) => secrets.includes(v)))
      .map(([name]) => name);
    expect(holders).toEqual(['influxdb']);
    expect([...services].filter(([, s]) => 'INFLUX_TOKEN' in s.environment).map(([n]) => n)).toEqual([]);
    expect(envOf('flows').FLOWS_INFLUX_TOKEN).toBeUndefined();
  });

  it.each(Object.entries(EXPECTED))('gives %s the %s login of the init script', (service, login) => {
    const [user, password] = LOGIN_SETTINGS[service as keyof typeof LOGIN_SETTINGS];
    const e = envOf(service);
    expect(e[user], user).toBe(influxdb[`INFLUX_${login}_USERNAME`]);
    expect(e[password], password).toBe(influxdb[`INFLUX_${login}_PASSWORD`]);
    expect(e[user], user).toMatch(/^[a-z]+$/);
    expect(e[password], password).toBe(`secret-of-INFLUX_${login}_PASSWORD`); // from .env, not a default
  });

  it('has three distinct logins, none of them the setup admin', () => {
    const names = ['INGEST', 'FLOWS', 'READ'].map((l) => influxdb[`INFLUX_${l}_USERNAME`]);
    expect(new Set(names).size).toBe(3);
    expect(names).not.toContain(influxdb.DOCKER_INFLUXDB_INIT_USERNAME);
  });

  it('writes through the v1 API, where those logins hold, into the bucket the script maps', () => {
    expect(envOf('ingest')).toMatchObject({ INFLUX_VERSION: '1', INFLUX_DATABASE: env.INFLUX_BUCKET });
    expect(envOf('flows')).toMatchObject({
      FLOWS_INFLUX_VERSION: '1',
      FLOWS_INFLUX_DATABASE: env.INFLUX_BUCKET,
    });
    expect(influxdb.DOCKER_INFLUXDB_INIT_BUCKET).toBe(env.INFLUX_BUCKET);
  });

  it('mounts the init scripts read-only where the image runs them', () => {
    expect(services.get('influxdb')?.volumes).toContain(
      './deploy/influxdb/init:/docker-entrypoint-initdb.d:ro',
    );
  });

  it('stops compose when a login password is missing from .env', () => {
    for (const name of ['INFLUX_INGEST_PASSWORD', 'INFLUX_FLOWS_PASSWORD', 'INFLUX_READ_PASSWORD'])
      expect(() => loadCompose({ ...env, [name]: '' }), name).toThrow(`${name} is required`);
  });
});
