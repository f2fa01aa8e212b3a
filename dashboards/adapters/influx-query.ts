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
 * Reads a station's history over the v1 `/query` API (InfluxQL): InfluxDB 1.x, and 2.x/3.x through
 * their v1 compatibility endpoints (token auth). GET, because the statement only reads.
 */
export function createHistoryReader(config: InfluxReadConfig) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = `Token ${config.token}`;
  else if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  return async (kind: string, station: string, hours: number): Promise<FieldSeries[]> => {
    const { q } = historyQuery({ kind, station, hours });
    const params = new URLSearchParams({ db: config.database, q, epoch: 'ms' });
    const res = await fetch(`${config.url}/query?${params}`, {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!res.ok) throw new Error(`query failed: HTTP ${res.status}`);
    return parseHistory(kind, (await res.json()) as Parameters<typeof parseHistory>[1]);
  };
}
