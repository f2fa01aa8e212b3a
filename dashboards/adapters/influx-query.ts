import {
  type AlertHistoryQuery,
  alertHistoryStatement,
  type InfluxQueryResult,
  parseAlertPoints,
} from '../core/alert-history-query.ts';
import { type FieldSeries, historyQuery, parseHistory } from '../core/history-query.ts';

export type InfluxReadConfig = {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  timeoutMs: number;
};

/**
 * Runs one read-only InfluxQL statement over the v1 `/query` API: InfluxDB 1.x, and 2.x/3.x through
 * their v1 compatibility endpoints (token auth). GET, because the statement only reads.
 */
function createQueryRunner(config: InfluxReadConfig) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = `Token ${config.token}`;
  else if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  return async (q: string): Promise<InfluxQueryResult> => {
    const params = new URLSearchParams({ db: config.database, q, epoch: 'ms' });
    const res = await fetch(`${config.url}/query?${params}`, {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!res.ok) throw new Error(`query failed: HTTP ${res.status}`);
    return (await res.json()) as InfluxQueryResult;
  };
}

/** A station's recent history (core/history-query.ts). */
export function createHistoryReader(config: InfluxReadConfig) {
  const run = createQueryRunner(config);
  return async (kind: string, station: string, hours: number): Promise<FieldSeries[]> =>
    parseHistory(kind, await run(historyQuery({ kind, station, hours }).q));
}

/** Alert transitions of the `alerts` measurement (core/alert-history-query.ts). */
export function createAlertPointReader(config: InfluxReadConfig) {
  const run = createQueryRunner(config);
  return async (query: AlertHistoryQuery) => parseAlertPoints(await run(alertHistoryStatement(query)));
}
