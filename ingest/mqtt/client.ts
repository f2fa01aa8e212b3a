import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../lib/log.ts';
import type { IngestConfig } from '../config.ts';
import { sleep } from '../lifecycle.ts';
import type { IngestMetrics } from '../metrics.ts';

/** `done` runs once the publish is finished (QoS 1: acknowledged), or with the error that ended it. */
export type Publish = (topic: string, body: string, qos: 0 | 1, done?: (err?: Error) => void) => void;

/**
 * The worker's MQTT client, not yet connected: the message handler must be installed first, since a
 * persistent session delivers its queue right after CONNACK.
 */
export function createMqttClient(config: IngestConfig['mqtt']): MqttClient {
  return mqtt.connect(config.url, {
    clientId: config.clientId,
    username: config.username,
    password: config.password,
    clean: false,
    protocolVersion: config.protocolVersion,
    // [MQTT5 3.1.2.11.2]: without a session expiry an MQTT 5 session ends at disconnect, queue and all.
    properties:
      config.protocolVersion === 5 ? { sessionExpiryInterval: config.sessionExpirySeconds } : undefined,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    manualConnect: true,
  });
}

/** Publishes unless the client is stopping. */
export function guardedPublish(client: MqttClient, log: Logger): Publish {
  // After close() has begun the client's store is gone; a publish then would throw inside mqtt.js.
  return (topic, body, qos, done) => {
    if (client.disconnecting || client.disconnected) {
      log.warn({ topic }, 'not published: the worker is stopping');
      done?.(new Error('the worker is stopping'));
      return;
    }
    client.publish(topic, body, { qos }, done);
  };
}

/**
 * Subscribes on every CONNACK (the first and each reconnect), then connects. Returns whether the
 * broker granted the subscription the last time it was asked.
 */
export function subscribeAndConnect(
  client: MqttClient,
  config: IngestConfig['mqtt'],
  metrics: IngestMetrics,
  log: Logger,
): () => boolean {
  let subscribed = false;
  client.on('connect', (connack) => {
    metrics.connects.inc();
    log.info({ sessionPresent: connack.sessionPresent }, 'ingest connected to the broker');
    client.subscribe(config.subscription, { qos: 1 }, (err, granted) => {
      subscribed = !err && !granted?.some((g) => g.qos >= 128);
      if (!subscribed) {
        log.error({ err: err?.message, granted }, 'subscription refused: check the ingest account role');
      }
    });
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
  client.connect();
  return () => subscribed;
}

/**
 * Stops taking messages; unacknowledged ones stay with the broker for the next worker. A graceful end
 * waits for in-flight publishes; with the broker gone it would wait forever, so after 2 s it is forced.
 */
export async function endMqttClient(client: MqttClient): Promise<void> {
  const ended = new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  const gaveUp = await Promise.race([ended.then(() => false), sleep(2000).then(() => true)]);
  if (gaveUp) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
}
