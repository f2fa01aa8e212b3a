import mqtt, { type MqttClient } from 'mqtt';
import { filters } from '../../lib/catalogue/topics.ts';
import type { Logger } from '../../lib/log.ts';

export type FeedOptions = {
  url: string;
  username: string;
  password: string;
  clientId: string;
  log: Logger;
};

/** What the console watches with its read-only `dashboard` account (README "Accounts and ACL"). */
export const FEED_SUBSCRIPTIONS = [filters.normalized, filters.alerts, filters.statuses, filters.rejected];

/** A clean session for one of the console's two accounts; mqtt.js reconnects it. */
function connectAccount(options: FeedOptions): MqttClient {
  return mqtt.connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
}

/**
 * The live feed. A clean session, on purpose: the console needs the present (retained statuses and
 * alerts arrive on every subscribe), not a replay of what it missed while down.
 */
export function connectFeed(
  options: FeedOptions,
  onMessage: (topic: string, payload: Buffer) => void,
): MqttClient {
  const client = connectAccount(options);
  // Installed at once: retained messages follow the SUBACK immediately.
  client.on('message', onMessage);
  client.on('connect', () => {
    options.log.info({ mqtt: options.url, username: options.username }, 'console feed connected');
    client.subscribe(FEED_SUBSCRIPTIONS, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128))
        options.log.error(
          { err: err?.message, granted },
          'subscription refused: check the dashboard account role',
        );
    });
  });
  client.on('error', (err) => options.log.warn({ err: err.message }, 'console feed mqtt error'));
  return client;
}

/** The `operator` account that publishes acknowledgements (QoS 1: resolves on PUBACK). */
export function connectAckPublisher(options: FeedOptions) {
  const client = connectAccount(options);
  client.on('error', (err) => options.log.warn({ err: err.message }, 'console ack mqtt error'));
  return {
    client,
    async publish(topic: string, message: unknown): Promise<void> {
      if (!client.connected) throw new Error('not connected to the broker');
      await client.publishAsync(topic, JSON.stringify(message), { qos: 1 });
    },
  };
}
