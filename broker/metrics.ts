import { Counter, Gauge, Registry } from 'prom-client';

export function createBrokerMetrics() {
  const registry = new Registry();
  /** Gauges read when /metrics is scraped; the service points these at the bus and the persistence. */
  const readers = { queuedMessages: () => 0, busBacklog: () => 0, secretChecksWaiting: () => 0 };
  return {
    registry,
    readers,
    connections: new Gauge({ name: 'broker_connections', help: 'Connected clients', registers: [registry] }),
    connectsRefused: new Counter({
      name: 'broker_connects_refused_total',
      help: 'Connections refused, by reason (CONNACK refusals and sockets closed before CONNECT)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'broker_disconnects_total',
      help: 'Sessions the broker closed, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    messagesIn: new Counter({
      name: 'broker_messages_in_total',
      help: 'PUBLISH packets accepted from clients',
      registers: [registry],
    }),
    messagesOut: new Counter({
      name: 'broker_messages_out_total',
      help: 'PUBLISH packets forwarded to subscribers',
      registers: [registry],
    }),
    publishDenied: new Counter({
      name: 'broker_publish_denied_total',
      help: 'PUBLISH packets dropped by the broker, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    publishHeld: new Counter({
      name: 'broker_publish_held_total',
      help: 'Device QoS 1 publishes whose PUBACK waited because the persistent queues were at BROKER_MAX_QUEUED_MESSAGES',
      registers: [registry],
    }),
    queueDropped: new Counter({
      name: 'broker_queue_dropped_total',
      help: 'Service publishes not queued for an absent persistent session whose queue was at BROKER_MAX_QUEUED_SERVICE_MESSAGES',
      registers: [registry],
    }),
    queuedMessages: new Gauge({
      name: 'broker_queued_messages',
      help: 'QoS 1/2 messages queued for persistent sessions and not yet acknowledged (journal: held in RAM)',
      registers: [registry],
      collect() {
        this.set(readers.queuedMessages());
      },
    }),
    busBacklog: new Gauge({
      name: 'broker_bus_backlog',
      help: 'Messages in delivery or waiting for it on the in-process bus (subscribers falling behind)',
      registers: [registry],
      collect() {
        this.set(readers.busBacklog());
      },
    }),
    secretChecks: new Counter({
      name: 'broker_secret_checks_total',
      help: 'Secrets checked with scrypt (CONNECTs the verified-secret cache could not answer and the failure limits let through)',
      registers: [registry],
    }),
    secretChecksWaiting: new Gauge({
      name: 'broker_secret_checks_waiting',
      help: 'Secret checks waiting for a scrypt thread (BROKER_SCRYPT_QUEUE bounds them)',
      registers: [registry],
      collect() {
        this.set(readers.secretChecksWaiting());
      },
    }),
    subscribeDenied: new Counter({
      name: 'broker_subscribe_denied_total',
      help: 'Subscriptions refused (SUBACK 0x80)',
      registers: [registry],
    }),
  };
}
export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
