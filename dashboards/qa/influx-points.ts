import { findKind, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import type { InfluxReadConfig } from '../adapters/influx-query.ts';
import { quoteIdent, quoteString } from '../core/history-query.ts';

/** The raw values of a station, as stored by the ingest (never changed by validation). */
export type PointSource = {
  /** Values of each field in `[from, to)`. */
  count(
    kind: string,
    station: string,
    fields: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, number>>;
  /** The values in `[from, to)`, oldest first, at most `limit` rows (a row holds the fields of one reading). */
  read(
    kind: string,
    station: string,
    fields: readonly string[],
    from: number,
    to: number,
    limit: number,
  ): Promise<{ rows: [number, ...(number | null)[]][]; truncated: boolean }>;
  /**
   * Each field's values in `[from, to)` with their validity codes (`<field>_validity`, else the point's
   * `validity`; null on points stored before the codes), oldest first, at most `limit` rows.
   */
  codes(
    kind: string,
    station: string,
    fields: readonly string[],
    from: number,
    to: number,
    limit: number,
  ): Promise<{ series: Map<string, [number, number, number | null][]>; truncated: boolean }>;
};

type QueryAnswer = {
  results?: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
  error?: string;
};

/**
 * The statements. Measurement and field names come from the catalogue only and the station id is
 * checked against its pattern (and quoted), so nothing a client sends changes a statement's shape.
 * Times are integers in ms (`123ms` literals), the range half-open as everywhere in the QA records.
 */
export function pointStatement(
  verb: 'count' | 'read' | 'codes',
  kindId: string,
  station: string,
  fields: readonly string[],
  from: number,
  to: number,
  limit = 0,
): string {
  const kind = findKind(kindId);
  if (!kind) throw new Error(`unknown kind ${kindId}`);
  if (!STATION_ID_PATTERN.test(station)) throw new Error('invalid station id');
  if (fields.length === 0 || fields.some((f) => !Object.hasOwn(kind.fields, f)))
    throw new Error('unknown field');
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error('bad time range');
  const columns = verb === 'codes' ? [...fields, 'validity', ...fields.map((f) => `${f}_validity`)] : fields;
  const select = columns
    .map((f) => (verb === 'count' ? `COUNT(${quoteIdent(f)}) AS ${quoteIdent(f)}` : quoteIdent(f)))
    .join(', ');
  const where = `"station" = ${quoteString(station)} AND time >= ${from}ms AND time < ${to}ms`;
  const tail = verb !== 'count' ? ` ORDER BY time ASC LIMIT ${Math.max(1, Math.floor(limit))}` : '';
  return `SELECT ${select} FROM ${quoteIdent(kind.id)} WHERE ${where}${tail}`;
}

/** InfluxQL over the v1 `/query` API with the console's InfluxDB settings (as the history charts). */
export function createPointSource(config: InfluxReadConfig): PointSource {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = `Token ${config.token}`;
  else if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  const query = async (q: string) => {
    const params = new URLSearchParams({ db: config.database, q, epoch: 'ms' });
    const res = await fetch(`${config.url}/query?${params}`, {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!res.ok) throw new Error(`query failed: HTTP ${res.status}`);
    const answer = (await res.json()) as QueryAnswer;
    const first = answer.results?.[0];
    const error = answer.error ?? first?.error;
    if (error) throw new Error(`influx: ${error}`);
    return first?.series?.[0];
  };

  return {
    async count(kind, station, fields, from, to) {
      const series = await query(pointStatement('count', kind, station, fields, from, to));
      const counts = new Map(fields.map((f) => [f, 0]));
      const row = series?.values[0];
      if (series && row)
        for (const f of fields) {
          const n = row[series.columns.indexOf(f)];
          if (typeof n === 'number') counts.set(f, n);
        }
      return counts;
    },
    async read(kind, station, fields, from, to, limit) {
      const series = await query(pointStatement('read', kind, station, fields, from, to, limit));
      if (!series) return { rows: [], truncated: false };
      const columns = fields.map((f) => series.columns.indexOf(f));
      const rows = series.values.map(
        (v) =>
          [Number(v[0]), ...columns.map((c) => (typeof v[c] === 'number' ? (v[c] as number) : null))] as [
            number,
            ...(number | null)[],
          ],
      );
      return { rows, truncated: rows.length >= limit };
    },
    async codes(kind, station, fields, from, to, limit) {
      const answer = await query(pointStatement('codes', kind, station, fields, from, to, limit));
      const series = new Map(fields.map((f) => [f, [] as [number, number, number | null][]]));
      if (!answer) return { series, truncated: false };
      const at = (name: string) => answer.columns.indexOf(name);
      const num = (v: unknown) => (typeof v === 'number' ? v : null);
      const all = at('validity');
      for (const f of fields) {
        const value = at(f);
        const own = at(`${f}_validity`);
        const out = series.get(f) as [number, number, number | null][];
        for (const row of answer.values) {
          const v = num(row[value]);
          if (v !== null) out.push([Number(row[0]), v, num(row[own]) ?? num(row[all])]);
        }
      }
      return { series, truncated: answer.values.length >= limit };
    },
  };
}
