import { existsSync } from 'node:fs';
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
import { publicConfigFromEnv } from '../public/config.ts';
import { startPublic } from '../public/service.ts';
import { simulatorConfigFromEnv } from '../simulators/config.ts';
import { startSimulator } from '../simulators/service.ts';
import { loadStations } from '../simulators/stations/load.ts';
import type { StackEndpoints } from './banner.ts';
import type { StackConfig } from './config.ts';
import { influxPasswordPath, type StackInflux, startStackInflux } from './local-influx.ts';
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
  publicUrl: string | undefined;
  /** What the start-up banner shows: every URL and where each login's secret is (never a secret). */
  endpoints: StackEndpoints;
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
  /** Aborts the start (Ctrl-C during start-up): what has started, or is starting, is closed. */
  signal?: AbortSignal,
): Promise<StackService> {
  const started: Closable[] = [];
  const cancelled = rejectOnAbort(signal);
  const stopAsked = () => signal?.throwIfAborted();
  /**
   * Awaits one part's start. The part is in `started` from the moment its start begins, so a stop
   * that comes meanwhile closes it once it is up (a child is never left behind unowned).
   */
  const part = async <T extends { close(): Promise<void> }>(name: string, starting: Promise<T>) => {
    started.push({
      name,
      close: () =>
        starting.then(
          (p) => p.close(),
          () => {},
        ),
    });
    return Promise.race([starting, cancelled]);
  };
  const close = async () => {
    for (const { name, close } of started.reverse()) {
      await close().then(
        () => log.info({ part: name }, 'stopped'),
        (err: Error) => log.error({ err, part: name }, 'stop failed'),
      );
    }
  };
  try {
    const stateDir = resolve(config.stateDir);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await enforcePrivate(stateDir, log); // an existing state folder keeps the modes it was made with

    let influxUrl = config.influxUrl;
    let logins: StackInflux['logins'] | undefined;
    if (!influxUrl) {
      // Authentication on, one least-privilege login per service (stack/local-influx.ts).
      const influx = await part(
        'influxd',
        startStackInflux(stateDir, config, log).then((local) => ({ ...local, close: () => local.stop() })),
      );
      stopAsked();
      influxUrl = influx.url;
      logins = influx.logins;
    }

    // The station catalogue both provisions the devices and drives the simulators.
    const fleet = loadStations(config.stationsPath);
    const secrets = await provisionLocal(stateDir, fleet);
    stopAsked();
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

    stopAsked();
    const brokerConfig = brokerConfigFromEnv(env);
    const broker = await part('broker', startBroker(brokerConfig, log.child({ service: 'broker' })));
    const ingestConfig = ingestConfigFromEnv({
      ...env,
      MQTT_PASSWORD: secrets.services.ingest,
      INGEST_SPOOL_DIR: env.INGEST_SPOOL_DIR || join(stateDir, 'spool', 'ingest'),
      ...loginEnv('INFLUX', logins?.ingest),
    });
    const ingest = await part('ingest', startIngest(ingestConfig, log.child({ service: 'ingest' })));

    let flows: StackEndpoints['flows'];
    if (config.flows) {
      const flowsConfig = flowsConfigFromEnv({
        ...env,
        FLOWS_MQTT_PASSWORD: secrets.services.flows,
        ...loginEnv('FLOWS_INFLUX', logins?.flows),
        FLOWS_STATE_DIR: env.FLOWS_STATE_DIR ?? join(stateDir, 'flows'),
        // The console's records database (its default below): maintenance windows mute alerts.
        FLOWS_RECORDS_PATH:
          env.FLOWS_RECORDS_PATH ??
          env.RECORDS_PATH ??
          join(dirname(env.CONSOLE_USERS_PATH ?? join(stateDir, 'console-users.json')), 'records.db'),
        FLOWS_API_TOKEN: env.FLOWS_API_TOKEN || (await stateToken(flowsTokenPath)),
      });
      stopAsked();
      const service = await part('flows', startFlows(flowsConfig, log.child({ service: 'flows' })));
      flows = {
        url: service.url,
        user: flowsConfig.admin.username,
        // startFlows generates this file unless a bcrypt hash is configured.
        passwordFile: flowsConfig.admin.passwordHash
          ? undefined
          : join(resolve(flowsConfig.stateDir), 'editor-password'),
      };
    }

    let operatorConsole: StackEndpoints['console'];
    if (config.console) {
      const usersPath = env.CONSOLE_USERS_PATH ?? join(stateDir, 'console-users.json');
      const recordsPath = env.RECORDS_PATH ?? join(dirname(usersPath), 'records.db');
      const passwordPath = join(stateDir, 'console-admin-password');
      const bootstrap = await ensureConsoleUser({ recordsPath, legacyUsersPath: usersPath }, passwordPath);
      if (bootstrap.created)
        log.info(
          { user: bootstrap.username, passwordFile: bootstrap.passwordPath },
          'console login created: password in the state folder',
        );
      stopAsked();
      const service = await part(
        'console',
        startConsole(
          consoleConfigFromEnv({
            ...env,
            CONSOLE_USERS_PATH: usersPath,
            RECORDS_PATH: recordsPath,
            CONSOLE_MQTT_PASSWORD: secrets.services.dashboard,
            CONSOLE_ACK_MQTT_PASSWORD: secrets.services.operator,
            ...loginEnv('INFLUX', logins?.reader),
          }),
          log.child({ service: 'console' }),
        ),
      );
      // The first start wrote the admin password there; later logins are the operators' own.
      const hasFile = existsSync(passwordPath);
      operatorConsole = {
        url: service.url,
        user: hasFile ? 'admin' : undefined,
        passwordFile: hasFile ? passwordPath : undefined,
        usersFile: recordsPath,
      };
    }

    let publicSite: StackEndpoints['public'];
    if (config.public) {
      const service = await part(
        'public',
        startPublic(
          publicConfigFromEnv({
            ...env,
            // The console's records database: validators' decisions give the data states.
            RECORDS_PATH:
              env.RECORDS_PATH ??
              join(dirname(env.CONSOLE_USERS_PATH ?? join(stateDir, 'console-users.json')), 'records.db'),
            ...loginEnv('PUBLIC_INFLUX', logins?.public),
          }),
          log.child({ service: 'public' }),
        ),
      );
      publicSite = { url: service.url };
    }

    await part(
      'simulators',
      startSimulator(
        { ...simulatorConfigFromEnv(env), intervalMs: config.intervalMs, timeScale: config.timeScale },
        fleet,
        secrets.devices,
        log.child({ service: 'simulators' }),
      ),
    );

    const endpoints: StackEndpoints = {
      stations: fleet.length,
      stateDir,
      mqtt: env.MQTT_URL ?? '',
      influx: {
        url: influxUrl,
        database: config.database,
        login: config.influxUrl
          ? 'the INFLUX_* credentials you set'
          : `admin, password in ${influxPasswordPath(stateDir, 'admin')} (reader: ${influxPasswordPath(stateDir, 'reader')})`,
      },
      broker: {
        httpUrl: httpUrl(brokerConfig.httpHost, broker.httpPort),
        adminTokenFile: baseEnv.BROKER_ADMIN_TOKEN ? undefined : adminTokenPath,
      },
      ingest: { httpUrl: httpUrl(ingestConfig.http.host, ingest.httpPort) },
      flows,
      console: operatorConsole,
      public: publicSite,
    };
    log.info(
      {
        mqtt: env.MQTT_URL,
        influx: influxUrl,
        database: config.database,
        stations: fleet.length,
        ingestHttp: `${endpoints.ingest.httpUrl}/metrics`,
        brokerHttp: `${endpoints.broker.httpUrl}/metrics`,
        brokerAdminTokenFile: adminTokenPath,
        flowsEditor: flows?.url,
        console: operatorConsole?.url,
        public: publicSite?.url,
      },
      'stack running: Ctrl-C stops everything',
    );
    return {
      influxUrl,
      flowsUrl: flows?.url,
      consoleUrl: operatorConsole?.url,
      publicUrl: publicSite?.url,
      endpoints,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A promise that rejects with the abort reason once `signal` aborts (never, without one). */
function rejectOnAbort(signal: AbortSignal | undefined): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(signal.reason);
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {}); // raced against each part; nobody may be awaiting it when it rejects
  return aborted;
}

function httpUrl(host: string, port: number | undefined): string | undefined {
  return port === undefined ? undefined : `http://${host}:${port}`;
}
