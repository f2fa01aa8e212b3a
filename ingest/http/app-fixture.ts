import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Counter } from 'prom-client';
import { afterEach, expect } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import type { Device } from '../../lib/registry/schema.ts';
import { createIngestMetrics, type IngestMetrics } from '../metrics.ts';
import { buildIngestApp } from './app.ts';
import type { DeviceAuth } from './device-gate.ts';
import type { AcceptResult, HttpIngest } from './readings-route.ts';

// The ingest HTTP app over fakes, for the inject() tests (app.test.ts, device-gate.test.ts).

export const WN = 'wn-beji-01';
export const AQ = 'aq-beji-01';
export const SECRETS: Record<string, string> = { [WN]: 'wn-secret', [AQ]: 'aq-secret' };
const KINDS: Record<string, string> = { [WN]: 'water_network', [AQ]: 'air_quality' };
export const BODY = JSON.stringify({ ts: 1_700_000_000_000, values: { pressure: 2.4 } });

export const basic = (id: string, secret = SECRETS[id] ?? '') =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export const deviceOf = (id: string): Device => ({
  id,
  kind: KINDS[id] ?? '',
  secret_hash: 'scrypt$test',
  revoked: false,
});

export type Setup = {
  accept?: HttpIngest['accept'];
  /** The scrypt check (default: the two devices' secrets); what it returns is remembered as the real one is. */
  verify?: DeviceAuth['verify'];
  mqttConnected?: () => boolean;
  influxReachable?: () => Promise<boolean>;
  withoutIngest?: boolean;
};

const checkSecret: DeviceAuth['verify'] = async (id, secret) =>
  id in SECRETS && SECRETS[id] === secret ? deviceOf(id) : undefined;

/**
 * An app over fakes: a two-device registry whose verified secrets are remembered (as device-auth.ts
 * does), an accept that records what it was given, a clock.
 */
export async function setup(options: Setup = {}) {
  const metrics = createIngestMetrics();
  const clock = { now: 1_000_000 };
  const accepted: { kind: string; station: string; body: string }[] = [];
  /** Ids whose secret was checked the slow way (scrypt in the real thing), in order. */
  const verified: string[] = [];
  const remembered = new Set<string>();
  const auth: DeviceAuth = {
    cached: (id, secret) => (remembered.has(id) && SECRETS[id] === secret ? deviceOf(id) : undefined),
    verify: async (id, secret) => {
      verified.push(id);
      const device = await (options.verify ?? checkSecret)(id, secret);
      if (device) remembered.add(id);
      return device;
    },
  };
  const ingest: HttpIngest = {
    auth,
    accept: (kind, station, payload) => {
      accepted.push({ kind, station, body: payload.toString('utf8') });
      return options.accept ? options.accept(kind, station, payload) : stored(1);
    },
    maxPayloadBytes: 1024,
    limits: { requestsPerSecond: 1, burst: 2 },
  };
  const app = await buildIngestApp({
    metrics,
    readiness: {
      mqttConnected: options.mqttConnected ?? (() => true),
      influxReachable: options.influxReachable ?? (async () => true),
    },
    log: silentLogger(),
    ingest: options.withoutIngest ? undefined : ingest,
    now: () => clock.now,
  });
  apps.push(app);
  return { app, metrics, clock, accepted, verified };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

export const stored = (readings: number): AcceptResult => ({
  status: 'stored',
  readings,
  rejection: undefined,
});

export function post(
  app: FastifyInstance,
  path: string,
  authorization?: string,
  body: string | Buffer = BODY,
  headers: InjectOptions['headers'] = {},
  remoteAddress = '127.0.0.1',
) {
  return app.inject({
    method: 'POST',
    url: path,
    payload: body,
    remoteAddress,
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      ...headers,
    },
  });
}

export async function count(counter: Counter, reason: string): Promise<number> {
  return (await counter.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

export const refused = (metrics: IngestMetrics, reason: string) => count(metrics.httpRefused, reason);

/** Yields to the event loop until `check` holds (inject resolves its steps asynchronously). */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}
