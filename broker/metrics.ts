import { Counter, Gauge, Registry } from 'prom-client';

export function createBrokerMetrics() {
  const registry = new Registry();
  return {
    registry,
    connections: new Gauge({ name: 'broker_connections', help: 'Connected clients', registers: [registry] }),
    connectsRefused: new Counter({
      name: 'broker_connects_refused_total',
      help: 'CONNECTs refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    messagesIn: new Counter({
      name: 'broker_messages_in_total',
      help: 'PUBLISH packets accepted from clients',
      registers: [registry],
    }),
    publishDenied: new Counter({
      name: 'broker_publish_denied_total',
      help: 'PUBLISH packets dropped by the broker, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    subscribeDenied: new Counter({
      name: 'broker_subscribe_denied_total',
      help: 'Subscriptions refused (SUBACK 0x80)',
      registers: [registry],
    }),
  };
}
export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
