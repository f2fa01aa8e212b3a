import type { IspuPoint, LatestReading, PublicData, SeriesPoint } from '../core/source.ts';

export type InfluxReadConfig = {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  timeoutMs: number;
};

type Series = { name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };
type QueryResult = { results?: { series?: Series[]; error?: string }[]; error?: string };

// Identifiers come from the registry and the catalogue (their patterns allow no quote), and are quoted anyway.
const ident = (name: string) => `"${name.replace(/["\\]/g, '')}"`;
const str = (value: string) => `'${value.replace(/['\\]/g, '')}'`;
const stationIn = (ids: readonly string[]) => ids.map((id) => `"station" = ${str(id)}`).join(' OR ');

/**
 * Reads for the public service over the v1 `/query` API (InfluxDB 1.x; 2.x/3.x through their v1
 * compatibility endpoints): GET, read-only InfluxQL, a read-only login. Tag names are the ingest's
 * (ingest/README.md), the `ispu` measurement the flows' (flows/core/rules/ispu.ts).
 */
export function createInfluxData(config: InfluxReadConfig): PublicData {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = `Token ${config.token}`;
  else if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  const run = async (q: string): Promise<Series[]> => {
    const params = new URLSearchParams({ db: config.database, q, epoch: 'ms' });
    const res = await fetch(`${config.url}/query?${params}`, {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!res.ok) throw new Error(`InfluxDB query failed: HTTP ${res.status}`);
    const body = (await res.json()) as QueryResult;
    const error = body.error ?? body.results?.find((r) => r.error)?.error;
    if (error) throw new Error(`InfluxDB query failed: ${error}`);
    return body.results?.flatMap((r) => r.series ?? []) ?? [];
  };

  return {
    async latest(kind, stations) {
      const out = new Map<string, LatestReading>();
      if (stations.length === 0) return out;
      // LAST(*) per field would mix times of different rows; the newest row per station is what we want.
      const q = `SELECT * FROM ${ident(kind)} WHERE (${stationIn(stations)}) AND time > now() - 7d GROUP BY "station" ORDER BY time DESC LIMIT 1`;
      for (const s of await run(q)) {
        const station = s.tags?.station;
        const row = s.values[0];
        if (!station || !row) continue;
        out.set(station, readingOf(s.columns, row));
      }
      return out;
    },
    async series(kind, station, field, from, to) {
      const f = ident(field);
      const v = ident(`${field}_validity`);
      const q = `SELECT ${f}, ${v} FROM ${ident(kind)} WHERE "station" = ${str(station)} AND time >= ${from}ms AND time < ${to}ms`;
      const points: SeriesPoint[] = [];
      for (const s of await run(q))
        for (const row of s.values) {
          const [ts, value, validity] = row as [number, unknown, unknown];
          points.push([
            ts,
            typeof value === 'number' ? value : null,
            typeof validity === 'number' ? validity : null,
          ]);
        }
      return points;
    },
    async ispuLatest(stations) {
      const out = new Map<string, IspuPoint>();
      if (stations.length === 0) return out;
      const q = `SELECT * FROM "ispu" WHERE (${stationIn(stations)}) AND time > now() - 2d GROUP BY "station" ORDER BY time DESC LIMIT 1`;
      for (const s of await run(q)) {
        const station = s.tags?.station;
        const row = s.values[0];
        if (station && row) out.set(station, ispuOf(s.columns, row));
      }
      return out;
    },
    async ispuHistory(station, from, to) {
      const q = `SELECT * FROM "ispu" WHERE "station" = ${str(station)} AND time >= ${from}ms AND time < ${to}ms`;
      return (await run(q)).flatMap((s) => s.values.map((row) => ispuOf(s.columns, row)));
    },
  };
}

const TAGS = new Set(['time', 'station', 'district', 'operator', 'category', 'validity', 'seq']);

function readingOf(columns: string[], row: unknown[]): LatestReading {
  const reading: LatestReading = { ts: row[0] as number, values: {}, validity: {} };
  columns.forEach((column, i) => {
    const value = row[i];
    if (TAGS.has(column) || typeof value !== 'number') return;
    if (column.endsWith('_validity')) reading.validity[column.slice(0, -'_validity'.length)] = value;
    else reading.values[column] = value;
  });
  return reading;
}

function ispuOf(columns: string[], row: unknown[]): IspuPoint {
  const at = (name: string) => row[columns.indexOf(name)];
  const point: IspuPoint = {
    ts: row[0] as number,
    ispu: Number(at('ispu')),
    category: String(at('category') ?? ''),
    dominant: String(at('dominant') ?? ''),
    subIndices: {},
  };
  columns.forEach((column, i) => {
    const value = row[i];
    if (
      typeof value !== 'number' ||
      TAGS.has(column) ||
      column === 'ispu' ||
      column.endsWith('_concentration')
    )
      return;
    point.subIndices[column] = value;
  });
  return point;
}
