import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, type V1Login } from '../lib/influx/v1-users.ts';
import { silentLogger } from '../lib/log.ts';
import { freePort } from '../lib/process/ports.ts';
import { INFLUXD_MAX_BODY_BYTES, influxQuery, startLocalInfluxd } from '../testkit/influxd.ts';
import { influxPasswordPath, type StackInflux, startStackInflux } from './local-influx.ts';

// issue 12, item 3: the influxd of `npm start` took writes and queries from anyone, served pprof and
// had no body limit. Here it is started exactly as startStack starts it.
const DB = 'environment';
const LINE = 'air_quality,station=aq-beji-01 pm25=12.5';

async function write(url: string, body: string, login?: V1Login) {
  const res = await fetch(`${url}/write?db=${DB}&precision=ms`, {
    method: 'POST',
    headers: login ? { authorization: basicAuth(login) } : {},
    body,
  });
  return { status: res.status, text: await res.text() };
}

async function query(url: string, q: string, login?: V1Login) {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db: DB, q })}`, {
    method: 'POST',
    headers: login ? { authorization: basicAuth(login) } : {},
  });
  return { status: res.status, text: await res.text() };
}

describe('the local InfluxDB of npm start', () => {
  let stateDir: string;
  let influx: StackInflux | undefined;
  const start = async () => {
    influx = await startStackInflux(stateDir, { influxPort: await freePort(), database: DB }, silentLogger());
    return influx;
  };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'stack-influx-'));
  });
  afterAll(async () => {
    await influx?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('refuses writes and queries without credentials, and with a wrong password', async () => {
    const { url, admin } = await start();
    expect((await write(url, LINE)).status).toBe(401);
    expect((await query(url, 'SHOW DATABASES')).status).toBe(401);
    expect((await query(url, `CREATE DATABASE "forged"`)).status).toBe(401);
    expect((await query(url, 'SHOW DATABASES', { ...admin, password: 'guess-guess-guess' })).status).toBe(
      401,
    );
    expect((await query(url, 'SHOW DATABASES', admin)).text).not.toContain('forged');
  });

  it('keeps the admin password in state/influxdb-admin-password, mode 0600', async () => {
    const path = influxPasswordPath(stateDir, 'admin');
    expect((await readFile(path, 'utf8')).trim()).toBe(influx?.admin.password);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(influx?.admin.password.length).toBeGreaterThanOrEqual(24);
  });

  it('lets the ingest and flows logins write but not read, nor create a database', async () => {
    const url = influx?.url as string;
    for (const name of ['ingest', 'flows'] as const) {
      const login = influx?.logins[name] as V1Login;
      expect((await write(url, `${LINE},by_${name}=1`, login)).status).toBe(204);
      const read = await query(url, 'SELECT * FROM air_quality', login);
      expect(read.status).toBe(403);
      expect(read.text).toContain('requires READ');
      expect((await query(url, 'CREATE DATABASE "other"', login)).status).toBe(403);
      expect((await query(url, 'DROP MEASUREMENT air_quality', login)).status).toBe(403);
    }
  });

  it('lets the reader query but not write, nor change anything', async () => {
    const url = influx?.url as string;
    const reader = influx?.logins.reader as V1Login;
    const read = await query(url, 'SELECT COUNT(pm25) FROM air_quality', reader);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text).results[0].series[0].values[0][1]).toBe(2);
    expect((await write(url, LINE, reader)).status).toBe(403);
    expect((await query(url, 'CREATE DATABASE "other"', reader)).status).toBe(403);
    expect((await query(url, 'SHOW USERS', reader)).status).toBe(403);
  });

  it('serves no /debug/pprof', async () => {
    const url = influx?.url as string;
    for (const path of ['/debug/pprof/', '/debug/pprof/heap', '/debug/pprof/goroutine?debug=1']) {
      const res = await fetch(`${url}${path}`, {
        headers: { authorization: basicAuth(influx?.admin as V1Login) },
      });
      await res.body?.cancel();
      expect(res.status, path).toBe(404);
    }
  });

  it('refuses a body over the limit, even from a login that may write', async () => {
    const url = influx?.url as string;
    const huge = `${LINE} 1\n`.repeat(Math.ceil((INFLUXD_MAX_BODY_BYTES + 1) / (LINE.length + 3)));
    expect((await write(url, huge, influx?.logins.ingest)).status).toBe(413);
    expect((await write(url, huge)).status).toBe(401);
  });

  it('finds its users on a second start on the same state folder', async () => {
    const before = influx as StackInflux;
    await before.stop();
    influx = undefined;
    const again = await start();
    expect(again.admin.password).toBe(before.admin.password);
    expect(again.logins).toEqual(before.logins);
    expect((await write(again.url, LINE, again.logins.ingest)).status).toBe(204);
    expect((await write(again.url, LINE)).status).toBe(401);
    const users = JSON.parse((await query(again.url, 'SHOW USERS', again.admin)).text);
    expect(users.results[0].series[0].values).toEqual([
      ['admin', true],
      ['ingest', false],
      ['flows', false],
      ['reader', false],
      ['public', false],
      ['reports', false],
    ]);
    const grants = JSON.parse((await query(again.url, 'SHOW GRANTS FOR "flows"', again.admin)).text);
    expect(grants.results[0].series[0].values).toEqual([[DB, 'WRITE']]);
    // The reports read readings and never write (npm run report, the scheduled runs).
    const reports = JSON.parse((await query(again.url, 'SHOW GRANTS FOR "reports"', again.admin)).text);
    expect(reports.results[0].series[0].values).toEqual([[DB, 'READ']]);
  });

  it('stops with a clear error when the InfluxDB admin does not answer to the saved password', async () => {
    await influx?.stop();
    influx = undefined;
    await writeFile(influxPasswordPath(stateDir, 'admin'), 'not-the-password-of-this-admin\n', {
      mode: 0o600,
    });
    await expect(start()).rejects.toMatchObject({ code: 'INFLUX_ADMIN_REFUSED' });
  });
});

describe('a state folder from before InfluxDB authentication', () => {
  let stateDir: string;
  let influx: StackInflux | undefined;
  afterAll(async () => {
    await influx?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('gets its users on the first start with authentication, and keeps its data', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'stack-influx-old-'));
    const old = await startLocalInfluxd({ dataDir: join(stateDir, 'influxdb') });
    await influxQuery(old.url, `CREATE DATABASE "${DB}"`);
    expect((await write(old.url, LINE)).status).toBe(204);
    await old.stop();

    influx = await startStackInflux(stateDir, { influxPort: await freePort(), database: DB }, silentLogger());
    expect((await query(influx.url, 'SELECT * FROM air_quality')).status).toBe(401);
    const read = await query(influx.url, 'SELECT COUNT(pm25) FROM air_quality', influx.logins.reader);
    expect(JSON.parse(read.text).results[0].series[0].values[0][1]).toBe(1);
  });
});
