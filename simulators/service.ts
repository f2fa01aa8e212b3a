import type { MqttClient } from 'mqtt';
import { topics } from '../lib/catalogue/topics.ts';
import type { Logger } from '../lib/log.ts';
import { resolveStart, type SimulatorConfig } from './config.ts';
import { createStationStream } from './core/stream.ts';
import { closeDevices, connectDevices, type DeviceCredentials } from './device-pool.ts';
import { encodeMessage } from './encode/payload.ts';
import { assertScenarioFits } from './scenarios/check.ts';
import { loadScenario } from './scenarios/schema.ts';
import type { SimStation } from './stations/load.ts';

export type { DeviceCredentials } from './device-pool.ts';

export type SimulatorStats = {
  devices: number;
  /** Messages acknowledged (QoS 1) or written (QoS 0), duplicates included. */
  published: number;
  /** Readings the model produced (one per station per round). */
  readings: number;
  duplicates: number;
  droppedByFault: number;
  errors: number;
  inflight: number;
  /** Device time of the latest reading (epoch ms). */
  simTime: number;
  elapsedMs: number;
};

export type SimulatorService = {
  /** Messages published and acknowledged (QoS 1) or sent (QoS 0). */
  published(): number;
  stats(): SimulatorStats;
  /** Resolves after `rounds` rounds once every publish is acknowledged (never if rounds is 0). */
  done: Promise<void>;
  /** Stops publishing, says offline, disconnects; stats() still gives the final figures. */
  close(): Promise<void>;
};

const TICK_MS = 10;

/**
 * Runs each station as its own authenticated device connection. One scheduler spreads the stations
 * evenly over the interval (station i of N at i/N of it), so the broker sees a steady aggregate rate of
 * N / interval readings per second. A reading's device time is simStart + (its schedule slot) x
 * timeScale: a function of the schedule, not of the wall clock, so a seed replays the same stream.
 */
export async function startSimulator(
  config: SimulatorConfig,
  stations: readonly SimStation[],
  credentials: readonly DeviceCredentials[],
  log: Logger,
): Promise<SimulatorService> {
  const scenario = config.scenarioPath ? loadScenario(config.scenarioPath) : undefined;
  if (scenario) assertScenarioFits(scenario, stations);
  const simStart = resolveStart(config, Date.now(), scenario?.start);
  const n = stations.length;
  const streams = stations.map((station, i) =>
    createStationStream(station, {
      seed: config.seed,
      start: simStart,
      stepMs: config.intervalMs * config.timeScale,
      offsetMs: ((i * config.intervalMs) / Math.max(1, n)) * config.timeScale,
      scenario,
    }),
  );
  const started = performance.now();
  const clients: MqttClient[] = await connectDevices(stations, credentials, {
    mqttUrl: config.mqttUrl,
    concurrency: config.connectConcurrency,
    onConnected: (count) => {
      if (count % 1000 === 0 && count < n) log.info({ connected: count, of: n }, 'devices connecting');
    },
  });
  log.info(
    {
      devices: n,
      connectS: Math.round(performance.now() - started) / 1000,
      intervalMs: config.intervalMs,
      targetPerS: Math.round((n * 1000) / config.intervalMs),
      timeScale: config.timeScale,
      simStart: new Date(simStart).toISOString(),
      scenario: scenario?.id,
    },
    'simulator running',
  );

  const stats: SimulatorStats = {
    devices: n,
    published: 0,
    readings: 0,
    duplicates: 0,
    droppedByFault: 0,
    errors: 0,
    inflight: 0,
    simTime: simStart,
    elapsedMs: 0,
  };
  const total = config.rounds > 0 ? n * config.rounds : Number.POSITIVE_INFINITY;
  let cursor = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const onAck = (err?: Error) => {
    stats.inflight--;
    if (err) {
      stats.errors++;
      if (stats.errors <= 10) log.warn({ err: err.message }, 'publish failed');
    } else stats.published++;
    if (cursor >= total && stats.inflight === 0) resolveDone();
  };

  const t0 = performance.now();
  const pump = () => {
    // Every station-slot due by now, in order; behind schedule (back-pressure) it catches up later.
    const due = Math.min(total, Math.floor(((performance.now() - t0) * n) / config.intervalMs) + 1);
    while (cursor < due && stats.inflight < config.maxInflight) {
      const i = cursor % n;
      cursor++;
      const station = stations[i] as SimStation;
      const message = (streams[i] as ReturnType<typeof createStationStream>).next();
      stats.readings++;
      stats.simTime = Math.max(stats.simTime, message.trueTs);
      if (message.copies === 0) {
        stats.droppedByFault++;
        continue;
      }
      const payload = encodeMessage(message, config.format);
      const topic = topics.reading(station.kind, station.id);
      for (let copy = 0; copy < message.copies; copy++) {
        if (copy > 0) stats.duplicates++;
        stats.inflight++;
        (clients[i] as MqttClient).publish(topic, payload, { qos: config.qos }, onAck);
      }
    }
    if (cursor >= total) {
      clearInterval(timer);
      if (stats.inflight === 0) resolveDone();
    }
  };
  const timer = setInterval(pump, TICK_MS);
  pump();

  let lastPublished = 0;
  let lastAt = performance.now();
  const progress =
    config.progressMs > 0
      ? setInterval(() => {
          const now = performance.now();
          const rate = ((stats.published - lastPublished) * 1000) / (now - lastAt);
          lastPublished = stats.published;
          lastAt = now;
          log.info(
            {
              published: stats.published,
              perS: Math.round(rate),
              inflight: stats.inflight,
              lag: Math.max(0, Math.floor(((now - t0) * n) / config.intervalMs) - cursor),
              errors: stats.errors,
              simTime: new Date(stats.simTime).toISOString(),
            },
            'simulator progress',
          );
          if (config.timeScale > 1 && stats.simTime > Date.now() + 60_000)
            log.warn(
              'device time has passed the wall clock: the ingest will reject readings as from the future',
            );
        }, config.progressMs)
      : undefined;

  let closedAt: number | undefined;
  const snapshot = (): SimulatorStats => ({
    ...stats,
    elapsedMs: Math.round((closedAt ?? performance.now()) - t0),
  });
  return {
    published: () => stats.published,
    stats: snapshot,
    done,
    async close() {
      clearInterval(timer);
      clearInterval(progress);
      closedAt ??= performance.now();
      const final = snapshot();
      await closeDevices(stations, clients);
      log.info(
        { ...final, perS: Math.round((final.published * 1000) / Math.max(1, final.elapsedMs)) },
        'simulator stopped',
      );
    },
  };
}
