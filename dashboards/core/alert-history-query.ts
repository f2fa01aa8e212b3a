import { findKind, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import type { AlertPoint, HistoryCursor } from './alert-episodes.ts';
import { TransitionStates } from './alert-episodes.ts';
import { quoteIdent, quoteString } from './history-query.ts';

// The InfluxQL of the alert history: one bounded statement over the `alerts` measurement. Every name
// in it is a constant or checked against the catalogue and the id patterns, and every literal is quoted
// anyway, so nothing a client sends can change the statement's shape.

const DAY_MS = 86_400_000;
export const AlertHistoryLimits = {
  /** A request covers at most this much time. */
  maxRangeMs: 31 * DAY_MS,
  /** Without `from`: the week before `to`. */
  defaultRangeMs: 7 * DAY_MS,
  maxRows: 500,
  defaultRows: 100,
  /** Points one statement may return: a cleared episode has at most four, so a page fits easily. */
  pointCap: 20_000,
  /** Rows of one CSV download. */
  maxCsvRows: 10_000,
} as const;

/** Rule ids as MQTT topics allow them (one topic level), the ack route's pattern. */
export const RULE_ID_PATTERN = /^[^+#/\s]{1,128}$/;

export type AlertHistoryQuery = {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  station?: string | undefined;
  rule?: string | undefined;
  kind?: string | undefined;
  /** The asker's scope: only these kinds, only these stations (undefined: no restriction). */
  scopeKinds?: readonly string[] | undefined;
  scopeStations?: readonly string[] | undefined;
  /** At most this many points (newest first). */
  cap: number;
};

const TAGS = ['kind', 'station', 'rule', 'state', 'severity', 'rule_type'] as const;
const STRING_FIELDS = [
  'parameter',
  'message',
  'unit',
  'averaging',
  'standard',
  'raised_at',
  'acknowledged_at',
  'acknowledged_by',
  'comment',
  'escalated_at',
] as const;
const NUMBER_FIELDS = ['value', 'limit', 'raised_value'] as const;
const COLUMNS = [...TAGS, ...STRING_FIELDS, ...NUMBER_FIELDS, 'provisional'] as const;

const anyOf = (tag: string, values: readonly string[]) =>
  `(${values.map((v) => `${quoteIdent(tag)} = ${quoteString(v)}`).join(' OR ')})`;

function check(ok: boolean, problem: string): void {
  if (!ok) throw new Error(`alert history query: ${problem}`);
}

/** The statement for one request; throws on input the route should have refused. */
export function alertHistoryStatement(q: AlertHistoryQuery): string {
  check(Number.isSafeInteger(q.from) && Number.isSafeInteger(q.to), 'times are whole epoch ms');
  check(q.from < q.to && q.to - q.from <= AlertHistoryLimits.maxRangeMs, 'range is empty or too long');
  check(Number.isSafeInteger(q.cap) && q.cap >= 1 && q.cap <= AlertHistoryLimits.pointCap, 'bad cap');
  check(q.station === undefined || STATION_ID_PATTERN.test(q.station), 'bad station id');
  check(q.rule === undefined || RULE_ID_PATTERN.test(q.rule), 'bad rule id');
  for (const kind of [q.kind, ...(q.scopeKinds ?? [])])
    check(kind === undefined || findKind(kind) !== undefined, 'unknown kind');
  for (const station of q.scopeStations ?? []) check(STATION_ID_PATTERN.test(station), 'bad station id');
  // An empty scope list would read as "no restriction" if left out: the caller answers "nothing".
  check(q.scopeKinds?.length !== 0 && q.scopeStations?.length !== 0, 'empty scope list');

  const where = [`time >= ${q.from}ms`, `time < ${q.to}ms`];
  if (q.kind !== undefined) where.push(`${quoteIdent('kind')} = ${quoteString(q.kind)}`);
  if (q.station !== undefined) where.push(`${quoteIdent('station')} = ${quoteString(q.station)}`);
  if (q.rule !== undefined) where.push(`${quoteIdent('rule')} = ${quoteString(q.rule)}`);
  if (q.scopeKinds) where.push(anyOf('kind', q.scopeKinds));
  if (q.scopeStations) where.push(anyOf('station', q.scopeStations));
  const select = COLUMNS.map(quoteIdent).join(', ');
  return `SELECT ${select} FROM "alerts" WHERE ${where.join(' AND ')} ORDER BY time DESC LIMIT ${q.cap}`;
}

type QueryResult = {
  results?: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
  error?: string;
};

export type { QueryResult as InfluxQueryResult };

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isState = (v: unknown): v is AlertPoint['state'] =>
  typeof v === 'string' && (TransitionStates as readonly string[]).includes(v);

/**
 * Points of a /query answer (epoch=ms). A row without a time, its alert's names or a known state is
 * skipped, and counted in `skipped`: a point written by hand is data, not a crash.
 */
export function parseAlertPoints(result: QueryResult): { points: AlertPoint[]; skipped: number } {
  const first = result.results?.[0];
  const error = result.error ?? first?.error;
  if (error) throw new Error(`influx: ${error}`);
  const points: AlertPoint[] = [];
  let skipped = 0;
  for (const series of first?.series ?? []) {
    const at = (name: string) => series.columns.indexOf(name);
    const cols = Object.fromEntries(COLUMNS.map((c) => [c, at(c)]));
    const timeCol = at('time');
    for (const row of series.values) {
      const get = (name: string) => row[cols[name] ?? -1];
      const time = num(row[timeCol]);
      const [kind, station, rule, state] = ['kind', 'station', 'rule', 'state'].map((c) => get(c));
      if (time === undefined || !text(kind) || !text(station) || !text(rule) || !isState(state)) {
        skipped++;
        continue;
      }
      const point: AlertPoint = {
        time,
        kind: String(kind),
        station: String(station),
        rule: String(rule),
        state,
      };
      for (const name of [...STRING_FIELDS, 'severity', 'rule_type'] as const) {
        const v = text(get(name));
        if (v !== undefined) point[name] = v;
      }
      for (const name of NUMBER_FIELDS) {
        const v = num(get(name));
        if (v !== undefined) point[name] = v;
      }
      const provisional = get('provisional');
      if (typeof provisional === 'boolean') point.provisional = provisional;
      points.push(point);
    }
  }
  return { points, skipped };
}

/** Cursors are opaque to clients: base64url of `{t, id}`. */
export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url');
}

/** The cursor, or undefined for anything that is not one of ours. */
export function decodeCursor(text: string): HistoryCursor | undefined {
  if (text.length > 400 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [t, id] = value as unknown[];
    if (!Number.isSafeInteger(t) || typeof id !== 'string' || id.length > 300) return undefined;
    return { t: t as number, id };
  } catch {
    return undefined;
  }
}
