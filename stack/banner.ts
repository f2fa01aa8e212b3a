import { isAbsolute, relative } from 'node:path';

/**
 * What `npm start` has running and where each login's secret is kept. Paths only: a secret is never
 * part of it, so the banner cannot print one.
 */
export type StackEndpoints = {
  stations: number;
  stateDir: string;
  mqtt: string;
  influx: { url: string; database: string; login?: string };
  broker: { httpUrl?: string; adminTokenFile?: string };
  ingest: { httpUrl?: string };
  flows?: { url: string; user: string; passwordFile?: string };
  console?: { url: string; user?: string; passwordFile?: string; usersFile: string };
  public?: { url: string };
};

type Row = { what: string; where: string; login: string };

/**
 * The lines printed on a terminal once the stack is up: the README's "what / where / login" table
 * with this start's real URLs. `cwd` shortens paths under it (`state/broker-admin-token`).
 */
export function stackBanner(endpoints: StackEndpoints, cwd: string): string {
  const path = (p: string) => {
    const rel = relative(cwd, p);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const { console: web, flows, broker, ingest, influx } = endpoints;
  const rows: Row[] = [];
  if (web)
    rows.push({
      what: 'operator console',
      where: web.url,
      login:
        web.user && web.passwordFile
          ? `${web.user}, password in ${path(web.passwordFile)}`
          : `the users in ${path(web.usersFile)} (npm run users -- list)`,
    });
  if (endpoints.public)
    rows.push({
      what: 'citizen page, open-data API',
      where: `${endpoints.public.url}/  (API /open/v1/, docs /open/v1/docs)`,
      login: 'none: public stations only',
    });
  if (flows)
    rows.push({
      what: 'Node-RED editor (alert flows)',
      where: flows.url,
      login: flows.passwordFile
        ? `${flows.user}, password in ${path(flows.passwordFile)}`
        : `${flows.user}, the password hashed in FLOWS_ADMIN_PASSWORD_HASH`,
    });
  if (broker.httpUrl)
    rows.push({
      what: 'broker admin API, health, metrics',
      where: `${broker.httpUrl}  (/admin/*, /healthz, /metrics)`,
      login: broker.adminTokenFile
        ? `bearer token in ${path(broker.adminTokenFile)}`
        : 'bearer token: the BROKER_ADMIN_TOKEN you set',
    });
  if (ingest.httpUrl)
    rows.push({
      what: 'ingest health, metrics, HTTP ingest',
      where: `${ingest.httpUrl}  (/healthz, /readyz, /metrics; POST /v1/readings/<kind>/<station>)`,
      login: "health and metrics: none; HTTP ingest: the device's id and secret (Basic)",
    });
  rows.push({
    what: 'MQTT',
    where: endpoints.mqtt,
    login: `device and service secrets in ${path(endpoints.stateDir)}/ (mode 0600)`,
  });
  rows.push({
    what: 'InfluxDB',
    where: `${influx.url}  database ${influx.database}`,
    login: influx.login ?? 'none (local influxd, loopback only)',
  });

  const width = Math.max(...rows.map((r) => r.what.length)) + 2;
  const pad = ' '.repeat(width + 2);
  const body = rows.map((r) => `  ${r.what.padEnd(width)}${r.where}\n${pad}${r.login}`);
  return [
    '',
    `stack running: ${endpoints.stations} simulated stations. Ctrl-C stops everything.`,
    '',
    ...body,
    '',
    `State and secrets: ${path(endpoints.stateDir)}/ (delete it to start afresh). No secret is printed.`,
    '',
  ].join('\n');
}
