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
    sseDropped: new Counter({
      name: 'console_sse_dropped_total',
      help: 'Live streams ended by the server, by reason (ended: logout or user change; slow: client backlog)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    sseRefused: new Counter({
      name: 'console_sse_refused_total',
      help: 'Live streams refused, by limit (total: 503, per_login: 429)',
      labelNames: ['limit'],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'console_logins_total',
      help: 'Login attempts, by result (ok, failed, limited, busy)',
      labelNames: ['result'],
      registers: [registry],
    }),
    acks: new Counter({
      name: 'console_acks_total',
      help: 'Acknowledgements published, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    forbidden: new Counter({
      name: 'console_forbidden_total',
      help: 'Requests refused with 403 because the roles or the scope do not allow them, by permission',
      labelNames: ['permission'],
      registers: [registry],
    }),
    auditFailures: new Counter({
      name: 'console_audit_failures_total',
      help: 'Audit rows that could not be written to the records database',
      registers: [registry],
    }),
    historyQueries: new Counter({
      name: 'console_history_queries_total',
      help: 'InfluxDB history queries, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    alertHistory: new Counter({
      name: 'console_alert_history_requests_total',
      help: 'Alert history requests, by result (ok, refused: bad input, error: InfluxDB did not answer)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
export type ConsoleMetrics = ReturnType<typeof createConsoleMetrics>;
