import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseConfig } from '../lib/config.ts';
import type { Logger } from '../lib/log.ts';
import { launch } from '../lib/process/launcher.ts';
import { freePort, nodeBinary } from '../lib/process/ports.ts';
import type { FlowsConfig } from './config.ts';
import { loadRuleSet } from './load-rules.ts';
import { InfluxNodeConfigSchema, NotifyNodeConfigSchema, unset } from './node-config.ts';
import { type NodeRedFiles, prepareNodeRedFiles } from './state-folder.ts';

const require = createRequire(import.meta.url);
// A warning Node-RED prints on every start with these settings, by design.
const BENIGN = /Projects disabled/;
const FLOWS_DIR = import.meta.dirname;
export const DEFAULT_RULES_FILE = join(FLOWS_DIR, 'rules.json');

export type FlowsService = {
  /** Editor and HTTP API base, e.g. http://127.0.0.1:1880 */
  url: string;
  port: number;
  /** The Node-RED process (tests read its environment). */
  pid: number;
  /** SIGKILL, for crash tests. */
  kill(): Promise<void>;
  close(): Promise<void>;
};

/** The editor login: the configured bcrypt hash, or a password generated once into the state folder. */
async function adminHash(config: FlowsConfig, stateDir: string, log: Logger): Promise<string> {
  if (config.admin.passwordHash) return config.admin.passwordHash;
  const bcrypt = require('bcryptjs') as { hash(s: string, rounds: number): Promise<string> };
  const path = join(stateDir, 'editor-password');
  let password: string;
  try {
    password = (await readFile(path, 'utf8')).trim();
  } catch {
    password = randomBytes(18).toString('base64url');
    await writeFile(path, `${password}\n`, { mode: 0o600 });
  }
  log.info({ user: config.admin.username, passwordFile: path }, 'editor login: password in the state folder');
  return bcrypt.hash(password, 10);
}

/**
 * What the child inherits from us: nothing secret, only what a Node process needs to run (issue 12,
 * item 6: it used to get the stack's whole environment, the broker's admin token included).
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'NODE_ENV'] as const;

/**
 * The child's whole environment: the allow-list above plus everything the flows read through ${ENV}
 * (settings.cjs, flows.json and flows_cred.json), each set from the validated config.
 */
function childEnv(
  config: FlowsConfig,
  stateDir: string,
  files: NodeRedFiles,
  port: number,
  hash: string,
): NodeJS.ProcessEnv {
  const mqtt = new URL(config.mqtt.url);
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, {
    FLOWS_HOST: config.host,
    FLOWS_PORT: String(port),
    FLOWS_FLOW_FILE: files.flowFile,
    FLOWS_CREDENTIAL_SECRET: files.credentialSecret,
    FLOWS_ALLOW_DANGEROUS_NODES: String(config.allowDangerousNodes),
    FLOWS_ADMIN_USER: config.admin.username,
    FLOWS_ADMIN_PASSWORD_HASH: hash,
    FLOWS_LOG_LEVEL: config.logLevel === 'fatal' ? 'fatal' : config.logLevel,
    FLOWS_MQTT_HOST: mqtt.hostname,
    FLOWS_MQTT_PORT: mqtt.port || '1883',
    FLOWS_MQTT_CLIENT_ID: config.mqtt.clientId,
    FLOWS_MQTT_USERNAME: config.mqtt.username,
    FLOWS_MQTT_PASSWORD: config.mqtt.password,
    FLOWS_RULES_FILE: resolve(config.rulesFile ?? DEFAULT_RULES_FILE),
    FLOWS_RULES_OVERRIDES: config.overridesFile ? resolve(config.overridesFile) : '',
    FLOWS_REGISTRY_PATH: config.registryPath ? resolve(config.registryPath) : '',
    FLOWS_RECORDS_PATH: config.recordsPath ? resolve(config.recordsPath) : '',
    FLOWS_STATE_DIR: stateDir,
    FLOWS_TICK_MS: String(config.tickMs),
    FLOWS_SNAPSHOT_MS: String(config.snapshotMs),
    FLOWS_ESCALATE_AFTER_S: String(config.escalateAfterS),
    FLOWS_LANGUAGE: config.language,
    FLOWS_API_TOKEN: config.apiToken ?? '',
    FLOWS_INFLUX_VERSION: String(config.influx.version),
    FLOWS_INFLUX_URL: config.influx.url,
    FLOWS_INFLUX_DATABASE: config.influx.database,
    ...config.notify,
  });
  for (const key of ['retentionPolicy', 'username', 'password', 'org', 'bucket', 'token'] as const) {
    const name = `FLOWS_INFLUX_${key === 'retentionPolicy' ? 'RETENTION_POLICY' : key.toUpperCase()}`;
    env[name] = config.influx[key] ?? '';
  }
  return env;
}

/** The node configs as the nodes will see them: a bad value stops start-up here, with its name. */
function checkNodeConfigs(env: NodeJS.ProcessEnv) {
  const pick = (prefix: string, names: Record<string, string>) =>
    unset(Object.fromEntries(Object.entries(names).map(([k, v]) => [k, env[`${prefix}${v}`]])));
  parseConfig(InfluxNodeConfigSchema, {
    ...pick('FLOWS_INFLUX_', {
      url: 'URL',
      database: 'DATABASE',
      org: 'ORG',
      bucket: 'BUCKET',
      token: 'TOKEN',
    }),
    version: Number(env.FLOWS_INFLUX_VERSION),
  });
  parseConfig(
    NotifyNodeConfigSchema,
    pick('FLOWS_', {
      webhookUrl: 'WEBHOOK_URL',
      smtpUrl: 'SMTP_URL',
      mailTo: 'MAIL_TO',
      telegramApiUrl: 'TELEGRAM_API_URL',
      events: 'NOTIFY_EVENTS',
      rateLimitCount: 'NOTIFY_RATE_COUNT',
      rateLimitWindowS: 'NOTIFY_RATE_WINDOW_S',
    }),
  );
}

/**
 * Runs Node-RED as a child process (its own event loop: a slow flow cannot stall the broker or the
 * ingest) on the state folder's copy of flows/flows.json (state-folder.ts). Rules and settings are
 * validated first, so a bad rule stops start-up with a readable error instead of a red node in the editor.
 */
export async function startFlows(config: FlowsConfig, log: Logger): Promise<FlowsService> {
  const stateDir = resolve(config.stateDir);
  loadRuleSet(
    resolve(config.rulesFile ?? DEFAULT_RULES_FILE),
    config.overridesFile && resolve(config.overridesFile),
  );
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const files = await prepareNodeRedFiles(stateDir, log);
  const port = config.port === 0 ? await freePort() : config.port;
  const env = childEnv(config, stateDir, files, port, await adminHash(config, stateDir, log));
  checkNodeConfigs(env);

  const url = `http://${config.host}:${port}`;
  const nodeRed = await launch({
    name: 'Node-RED',
    command: nodeBinary(),
    args: [require.resolve('node-red/red.js'), '-s', join(FLOWS_DIR, 'settings.cjs'), '-u', files.userDir],
    env,
    group: true,
    ready: async () => {
      const res = await fetch(`${url}/api/status`);
      await res.body?.cancel();
      return res.status === 200;
    },
    readyTimeoutMs: config.startTimeoutMs,
    stopTimeoutMs: 10_000,
    onLine: (text) => {
      const line = text.trim();
      if (!line) return;
      if (/\[(error|warn)\]/.test(line) && !BENIGN.test(line)) log.warn({ nodeRed: line }, 'node-red');
      else log.debug({ nodeRed: line }, 'node-red');
    },
  });
  let stopping = false;
  void nodeRed.exited.then(({ code, signal }) => {
    if (!stopping) log.warn({ code, signal }, 'node-red exited');
  });
  log.info({ url, editor: `${url}/`, stateDir, flowFile: files.flowFile }, 'flows started');

  const stop = async (signal: NodeJS.Signals) => {
    stopping = true;
    await nodeRed.stop(signal);
  };
  return { url, port, pid: nodeRed.pid, kill: () => stop('SIGKILL'), close: () => stop('SIGTERM') };
}
