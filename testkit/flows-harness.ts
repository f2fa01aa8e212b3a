import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { type FlowsConfigInput, FlowsConfigSchema } from '../flows/config.ts';
import { type FlowsService, startFlows } from '../flows/service.ts';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import type { NewDevice } from '../lib/registry/provision.ts';
import { setServiceAccount } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { type Pipeline, startPipeline, TEST_SCRYPT } from './pipeline.ts';

export type Received = { topic: string; payload: string; retain: boolean; at: number };

/** Local receivers for notifications: one HTTP server (webhook + Telegram Bot API) and an SMTP server. */
export async function startReceivers() {
  const webhook: unknown[] = [];
  const telegram: unknown[] = [];
  const mails: string[] = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/webhook') webhook.push(JSON.parse(body));
      else if (req.url?.endsWith('/sendMessage')) telegram.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      let text = '';
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      stream.on('end', () => {
        mails.push(text);
        done();
      });
    },
  });
  // A Node-RED that is stopped mid-session resets its SMTP connection; smtp-server reports that as an
  // 'error' event on the server, which without a listener would be an uncaught exception in the test.
  smtp.on('error', () => {});
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const httpPort = (http.address() as AddressInfo).port;
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  return {
    webhook,
    telegram,
    mails,
    env: {
      FLOWS_WEBHOOK_URL: `http://127.0.0.1:${httpPort}/webhook`,
      FLOWS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      FLOWS_MAIL_TO: 'operator@dlhk.local',
      FLOWS_ESCALATION_MAIL_TO: 'head@dlhk.local',
      FLOWS_TELEGRAM_TOKEN: '123:test-token',
      FLOWS_TELEGRAM_CHAT_ID: '42',
      FLOWS_TELEGRAM_API_URL: `http://127.0.0.1:${httpPort}`,
    },
    async close() {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await new Promise((r) => smtp.close(() => r(undefined)));
    },
  };
}

/** Adds an `operator` service account to the pipeline's registry (the broker reloads the file). */
export async function addOperator(p: Pipeline): Promise<MqttClient> {
  const registry = await loadRegistry(p.registryPath);
  const { registry: next, secret } = await setServiceAccount(registry, 'operator', 'operator', TEST_SCRYPT);
  await saveRegistry(p.registryPath, next);
  let client: MqttClient | undefined;
  await waitFor(
    async () => {
      client = await mqtt.connectAsync(p.mqttUrl, {
        clientId: 'operator',
        username: 'operator',
        password: secret,
        reconnectPeriod: 0,
      });
      return true;
    },
    10_000,
    'operator account',
  );
  return client as MqttClient;
}

/** A subscriber that records every message (dashboard account: reads alerts and readings). */
export async function recorder(p: Pipeline, filters: string[], clientId = 'dashboard') {
  const messages: Received[] = [];
  const client = await p.connect('dashboard', clientId);
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), retain: packet.retain, at: performance.now() }),
  );
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, messages };
}

export type FlowsHarness = {
  pipeline: Pipeline;
  stateDir: string;
  config: FlowsConfigInput;
  flows: FlowsService;
  token: string;
  /** Waits until the rules node has taken `count` more readings than `since`. */
  processed(since: number, count: number): Promise<void>;
  readings(): Promise<number>;
  /** The rules node's counters (`GET /api/status`). */
  status(): Promise<Record<string, number | boolean>>;
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  restart(): Promise<void>;
  /** Stops Node-RED (SIGTERM) and leaves it stopped: the pipeline goes on without it. */
  stop(): Promise<void>;
  /** Starts the stopped Node-RED again, with the same settings and state folder. */
  start(): Promise<void>;
  close(): Promise<void>;
};

export type FlowsHarnessOptions = {
  overrides?: unknown;
  notify?: Record<string, string>;
  config?: Partial<FlowsConfigInput>;
  /** Give the flows the pipeline's registry (REGISTRY_PATH), as `npm start` does. */
  registry?: boolean;
  /** The pipeline's ingest options (e.g. `recordsPath`: maintenance windows coded at ingest). */
  pipeline?: Parameters<typeof startPipeline>[1];
  /** Runs on the started pipeline before Node-RED starts (e.g. revoke a device). */
  beforeFlows?: (pipeline: Pipeline) => Promise<void>;
};

export async function startFlowsHarness(
  devices: readonly NewDevice[],
  options: FlowsHarnessOptions = {},
): Promise<FlowsHarness> {
  const pipeline = await startPipeline(devices, options.pipeline);
  const stateDir = await mkdtemp(join(tmpdir(), 'flows-state-'));
  let overridesFile: string | undefined;
  if (options.overrides) {
    overridesFile = join(stateDir, 'overrides.json');
    await writeFile(overridesFile, JSON.stringify(options.overrides));
  }
  const token = 'test-token-0123456789abcdef';
  const config: FlowsConfigInput = {
    mqtt: { url: pipeline.mqttUrl, password: pipeline.secrets.get('flows') as string },
    influx: { url: pipeline.influx.url, database: pipeline.database },
    port: 0,
    stateDir,
    overridesFile,
    tickMs: 200,
    snapshotMs: 1000,
    apiToken: token,
    admin: {},
    notify: options.notify ?? {},
    ...(options.registry && { registryPath: pipeline.registryPath }),
    ...options.config,
  };
  const log = silentLogger();
  let flows: FlowsService;
  try {
    await options.beforeFlows?.(pipeline);
    flows = await startFlows(FlowsConfigSchema.parse(config), log);
  } catch (err) {
    await pipeline.close();
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  // Started (or restarted) flows are ready once their MQTT client is connected.
  const mqttLinked = () =>
    waitFor(
      async () => {
        const res = await h.api('/api/status');
        return ((await res.json()) as { mqttConnected: boolean }).mqttConnected;
      },
      10_000,
      'flows MQTT link',
    );
  const h: FlowsHarness = {
    pipeline,
    stateDir,
    config,
    token,
    get flows() {
      return flows;
    },
    async api(path, init = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const t = init.token === undefined ? token : init.token;
      if (t) headers.authorization = `Bearer ${t}`;
      return fetch(`${flows.url}${path}`, { ...init, headers });
    },
    async readings() {
      return (await h.status()).readings as number;
    },
    async status() {
      const res = await h.api('/api/status');
      return (await res.json()) as Record<string, number | boolean>;
    },
    async processed(since, count) {
      await waitFor(async () => (await h.readings()) >= since + count, 20_000, `${count} readings processed`);
    },
    async restart() {
      await h.stop();
      await h.start();
    },
    async stop() {
      await flows.close();
    },
    async start() {
      flows = await startFlows(FlowsConfigSchema.parse(config), log);
      await mqttLinked();
    },
    async close() {
      await flows.close();
      await pipeline.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  await mqttLinked();
  return h;
}
