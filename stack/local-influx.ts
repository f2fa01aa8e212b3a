import { join } from 'node:path';
import { ensureV1Admin, ensureV1User, type V1Login, type V1Privilege } from '../lib/influx/v1-users.ts';
import type { Logger } from '../lib/log.ts';
import { influxQuery, startLocalInfluxd } from '../testkit/influxd.ts';
import { ensureInfluxd } from './ensure-influxd.ts';
import { stateToken } from './state-secrets.ts';

/**
 * One login per service, each with the least it needs on the stack's database (README "Logins"):
 * - ingest: WRITE, it stores readings and never reads;
 * - flows: WRITE, it stores alert transitions and ISPU values; its rules work on the live MQTT stream
 *   and its own state folder, it reads nothing from InfluxDB;
 * - reader: READ, the console's history charts (and Grafana or a shell, for anyone who charts);
 * - public: READ, the open-data API (public/), a login of its own so it can be revoked on its own.
 * `admin` (all privileges) is for the stack itself (CREATE DATABASE, the users) and for people.
 */
export const INFLUX_SERVICE_USERS = {
  ingest: 'WRITE',
  flows: 'WRITE',
  reader: 'READ',
  public: 'READ',
} as const satisfies Record<string, V1Privilege>;
export type InfluxServiceUser = keyof typeof INFLUX_SERVICE_USERS;
export const INFLUX_ADMIN = 'admin';

export type StackInflux = {
  url: string;
  admin: V1Login;
  logins: Record<InfluxServiceUser, V1Login>;
  stop(): Promise<void>;
};

/** `state/influxdb-<user>-password`, mode 0600, made on the first start. */
export function influxPasswordPath(stateDir: string, username: string): string {
  return join(stateDir, `influxdb-${username}-password`);
}

/**
 * The local influxd of `npm start`, with authentication on: data in state/influxdb, the admin and one
 * user per service created (or, on a later start, found and brought back to their grants) with the
 * passwords kept in the state folder. A state folder from before authentication (data, no users) gets
 * its users on its first start with it.
 */
export async function startStackInflux(
  stateDir: string,
  config: { influxPort: number; database: string },
  log: Logger,
): Promise<StackInflux> {
  const binary = ensureInfluxd((line) => log.info(line));
  const influx = await startLocalInfluxd({
    binary,
    dataDir: join(stateDir, 'influxdb'),
    port: config.influxPort,
    auth: true,
  });
  try {
    const admin = {
      username: INFLUX_ADMIN,
      password: await stateToken(influxPasswordPath(stateDir, INFLUX_ADMIN)),
    };
    if (await ensureV1Admin(influx.url, admin))
      log.info(
        { user: INFLUX_ADMIN, passwordFile: influxPasswordPath(stateDir, INFLUX_ADMIN) },
        'InfluxDB admin created: password in the state folder',
      );
    await influxQuery(influx.url, `CREATE DATABASE "${config.database}"`, undefined, admin);
    const logins = {} as Record<InfluxServiceUser, V1Login>;
    for (const [username, privilege] of Object.entries(INFLUX_SERVICE_USERS)) {
      const password = await stateToken(influxPasswordPath(stateDir, username));
      await ensureV1User(influx.url, admin, config.database, { username, password, privilege });
      logins[username as InfluxServiceUser] = { username, password };
    }
    log.info(
      { url: influx.url, database: config.database, users: Object.keys(INFLUX_SERVICE_USERS) },
      'influxd started with authentication (data in state/influxdb)',
    );
    return { url: influx.url, admin, logins, stop: () => influx.stop() };
  } catch (err) {
    await influx.stop();
    throw err;
  }
}
