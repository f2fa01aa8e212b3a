import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { brokerConfigFromEnv } from '../broker/config.ts';
import { startBroker } from '../broker/service.ts';
import { ensureConsoleUser } from '../dashboards/auth/bootstrap.ts';
import { consoleConfigFromEnv } from '../dashboards/config.ts';
import { startConsole } from '../dashboards/service.ts';
import { flowsConfigFromEnv } from '../flows/config.ts';
import { startFlows } from '../flows/service.ts';
import { ingestConfigFromEnv } from '../ingest/config.ts';
import { startIngest } from '../ingest/service.ts';
import type { Logger } from '../lib/log.ts';
import { enforcePrivate } from '../lib/private-files.ts';
import { simulatorConfigFromEnv } from '../simulators/config.ts';
import { startSimulator } from '../simulators/service.ts';
import { loadStations } from '../simulators/stations/load.ts';
import type { StackConfig } from './config.ts';
import { type StackInflux, startStackInflux } from './local-influx.ts';
import { provisionLocal } from './provision-local.ts';
import { stateToken } from './state-secrets.ts';

type Closable = { name: string; close(): Promise<void> };

/** `<prefix>_USERNAME` / `<prefix>_PASSWORD` for a service's config.ts; nothing without a login. */
function loginEnv(prefix: string, login: { username: string; password: string } | undefined) {
  return login ? { [`${prefix}_USERNAME`]: login.username, [`${prefix}_PASSWORD`]: login.password } : {};
}

export type StackService = {
  influxUrl: string;
  flowsUrl: string | undefined;
  consoleUrl: string | undefined;
  close(): Promise<void>;
};

/**
 * The whole stack on one machine: influxd (unless INFLUX_URL is set), broker, ingest, Node-RED flows,
 * the operator console and the simulators, wired with the credentials it provisions in the state
 * folder. Closing stops them in reverse order.
 */
export async function startStack(
  config: StackConfig,
  log: Logger,
  /** Each service's own settings (see its config.ts); tests pass free ports here. */
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<StackService> {
  const started: Closable[] = [];
  const close = async () => {
    for (const part of started.reverse()) {
      await part.close().then(
        () => log.info({ part: part.name }, 'stopped'),
        (err: Error) => log.error({ err, part: part.name }, 'stop failed'),
      );
    }
  };
  try {
    const stateDir = resolve(config.stateDir);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await enforcePrivate(stateDir, log); // an existing state folder keeps the modes it was made with

    let influxUrl = config.influxUrl;
    // Each service's InfluxDB login, when the stack runs influxd; with INFLUX_URL they come from baseEnv.
    let logins: StackInflux['logins'] | undefined;
    if (!influxUrl) {
      const influx = await startStackInflux(stateDir, config, log);
      started.push({ name: 'influxd', close: () => influx.stop() });
      influxUrl = influx.url;
      logins = influx.logins;
    }

    // The station catalogue both provisions the devices and drives the simulators.
    const fleet = loadStations(config.stationsPath);
    const secrets = await provisionLocal(stateDir, fleet);
    const adminTokenPath = join(stateDir, 'broker-admin-token');
    const flowsTokenPath = join(stateDir, 'flows-api-token');
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      REGISTRY_PATH: secrets.registryPath,
      BROKER_PORT: String(config.brokerPort),
      BROKER_ADMIN_TOKEN: baseEnv.BROKER_ADMIN_TOKEN || (await stateToken(adminTokenPath)),
      INFLUX_URL: influxUrl,
      INFLUX_DATABASE: config.database,
      MQTT_URL: `mqtt://127.0.0.1:${config.brokerPort}`,
    };

    const broker = await startBroker(brokerConfigFromEnv(env), log.child({ service: 'broker' }));
    started.push({ name: 'broker', close: () => broker.close() });

    const ingest = await startIngest(
      ingestConfigFromEnv({
        ...env,
        MQTT_PASSWORD: secrets.services.ingest,
        INGEST_SPOOL_DIR: env.INGEST_SPOOL_DIR || join(stateDir, 'spool', 'ingest'),
        ...loginEnv('INFLUX', logins?.ingest),
      }),
      log.child({ service: 'ingest' }),
    );
    started.push({ name: 'ingest', close: () => ingest.close() });

    let flowsUrl: string | undefined;
    if (config.flows) {
      const flows = await startFlows(
        flowsConfigFromEnv({
          ...env,
          FLOWS_MQTT_PASSWORD: secrets.services.flows,
          ...loginEnv('FLOWS_INFLUX', logins?.flows),
          FLOWS_STATE_DIR: env.FLOWS_STATE_DIR ?? join(stateDir, 'flows'),
          FLOWS_API_TOKEN: env.FLOWS_API_TOKEN || (await stateToken(flowsTokenPath)),
        }),
        log.child({ service: 'flows' }),
      );
      started.push({ name: 'flows', close: () => flows.close() });
      flowsUrl = flows.url;
    }

    let consoleUrl: string | undefined;
    if (config.console) {
      const usersPath = env.CONSOLE_USERS_PATH ?? join(stateDir, 'console-users.json');
      const recordsPath = env.RECORDS_PATH ?? join(dirname(usersPath), 'records.db');
      const bootstrap = await ensureConsoleUser(
        { recordsPath, legacyUsersPath: usersPath },
        join(stateDir, 'console-admin-password'),
      );
      if (bootstrap.created)
        log.info(
          { user: bootstrap.username, passwordFile: bootstrap.passwordPath },
          'console login created: password in the state folder',
        );
      const operatorConsole = await startConsole(
        consoleConfigFromEnv({
          ...env,
          CONSOLE_USERS_PATH: usersPath,
          RECORDS_PATH: recordsPath,
          CONSOLE_MQTT_PASSWORD: secrets.services.dashboard,
          CONSOLE_ACK_MQTT_PASSWORD: secrets.services.operator,
          ...loginEnv('INFLUX', logins?.reader),
        }),
        log.child({ service: 'console' }),
      );
      started.push({ name: 'console', close: () => operatorConsole.close() });
      consoleUrl = operatorConsole.url;
    }

    const simulator = await startSimulator(
      { ...simulatorConfigFromEnv(env), intervalMs: config.intervalMs, timeScale: config.timeScale },
      fleet,
      secrets.devices,
      log.child({ service: 'simulators' }),
    );
    started.push({ name: 'simulators', close: () => simulator.close() });

    log.info(
      {
        mqtt: env.MQTT_URL,
        influx: influxUrl,
        database: config.database,
        stations: fleet.length,
        ingestHttp: `http://127.0.0.1:${ingest.httpPort}/metrics`,
        brokerHttp: `http://127.0.0.1:${broker.httpPort}/metrics`,
        brokerAdminTokenFile: adminTokenPath,
        flowsEditor: flowsUrl,
        console: consoleUrl,
      },
      'stack running: Ctrl-C stops everything',
    );
    return { influxUrl, flowsUrl, consoleUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
