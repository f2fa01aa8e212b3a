import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of one console (a registry per instance, so tests can run several). */
export function createConsoleMetrics() {
  const registry = new Registry();
  return {
    registry,
    messages: new Counter({
      name: 'console_mqtt_messages_total',
      help: 'MQTT messages received, by topic root and whether they changed the live state',
      labelNames: ['root', 'applied'],
      registers: [registry],
    }),
    sseClients: new Gauge({
      name: 'console_sse_clients',
      help: 'Open Server-Sent Events streams',
      registers: [registry],
    }),
    logins: new Counter({
      name: 'console_logins_total',
      help: 'Login attempts, by result (ok, failed, limited)',
      labelNames: ['result'],
      registers: [registry],
    }),
    acks: new Counter({
      name: 'console_acks_total',
      help: 'Acknowledgements published, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    historyQueries: new Counter({
      name: 'console_history_queries_total',
      help: 'InfluxDB history queries, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
export type ConsoleMetrics = ReturnType<typeof createConsoleMetrics>;
