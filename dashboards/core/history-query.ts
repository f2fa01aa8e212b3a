import { findKind, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';

/** InfluxQL identifiers: double-quoted, with `"` and `\` escaped. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** InfluxQL string literals: single-quoted, with `'` and `\` escaped. */
export function quoteString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export type HistoryRequest = { kind: string; station: string; hours: number };

/** Bucket width so a chart gets at most ~300 points, never finer than the kind's reporting interval. */
export function bucketSeconds(hours: number, expectedIntervalS: number): number {
  const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];
  const wanted = Math.max(expectedIntervalS, (hours * 3600) / 300);
  return steps.find((s) => s >= wanted) ?? 86400;
}

/**
 * One InfluxQL statement for a station's recent history: the mean of every catalogue field per time
 * bucket. Measurement and field names come from the catalogue only; the station id is checked against
 * the id pattern and quoted anyway, so nothing a client sends can change the statement's shape.
 */
export function historyQuery(req: HistoryRequest): { q: string; fields: string[]; bucketS: number } {
  const kind = findKind(req.kind);
  if (!kind) throw new Error(`unknown kind ${req.kind}`);
  if (!STATION_ID_PATTERN.test(req.station)) throw new Error('invalid station id');
  const hours = Math.min(Math.max(Math.round(req.hours), 1), 24 * 31);
  const fields = Object.keys(kind.fields);
  const bucketS = bucketSeconds(hours, kind.expectedIntervalS);
  const select = fields.map((f) => `mean(${quoteIdent(f)}) AS ${quoteIdent(f)}`).join(', ');
  const q =
    `SELECT ${select} FROM ${quoteIdent(kind.id)} WHERE "station" = ${quoteString(req.station)}` +
    ` AND time > now() - ${hours}h GROUP BY time(${bucketS}s) fill(none)`;
  return { q, fields, bucketS };
}

export type FieldSeries = {
  field: string;
  unit: string;
  description: string;
  points: [number, number][];
};

type QueryResult = {
  results?: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
  error?: string;
};

/** Turns a /query answer (epoch=ms) into one series per field that has data, each with its unit. */
export function parseHistory(kindId: string, result: QueryResult): FieldSeries[] {
  const kind = findKind(kindId);
  const first = result.results?.[0];
  const error = result.error ?? first?.error;
  if (error) throw new Error(`influx: ${error}`);
  const series = first?.series?.[0];
  if (!kind || !series) return [];
  const out: FieldSeries[] = [];
  for (const [name, spec] of Object.entries(kind.fields)) {
    const col = series.columns.indexOf(name);
    if (col < 0) continue;
    const points: [number, number][] = [];
    for (const row of series.values) {
      const ts = row[0];
      const value = row[col];
      if (typeof ts === 'number' && typeof value === 'number' && Number.isFinite(value))
        points.push([ts, value]);
    }
    if (points.length > 0) out.push({ field: name, unit: spec.unit, description: spec.description, points });
  }
  return out;
}
