import type { Point } from '../aggregate/points.ts';
import { findKind, STATION_ID_PATTERN } from '../catalogue/index.ts';
import { queryChunks, quoteIdent, quoteString, type V1ReadTarget } from '../influx/v1-query.ts';
import type { ReportPeriod } from './model.ts';
import type { QaRecords, StationSource } from './source.ts';

/**
 * The statement reading a station's fields over `[from, to)`: each field, its `<field>_validity` and
 * the point's `validity` (ingest/README.md "Validity codes": a value's code is its own when the point
 * has one, else the point's). Names come from the catalogue and the id is checked against its pattern,
 * so nothing a requester types changes the statement's shape.
 */
export function stationStatement(
  kindId: string,
  station: string,
  fields: readonly string[],
  period: Pick<ReportPeriod, 'from' | 'to'>,
  /** The `<field>_validity` fields the measurement has; undefined: select every one. */
  codes?: ReadonlySet<string>,
) {
  const kind = findKind(kindId);
  if (!kind) throw new Error(`unknown kind ${kindId}`);
  if (!STATION_ID_PATTERN.test(station)) throw new Error(`invalid station id ${station}`);
  const unknown = fields.find((f) => !Object.hasOwn(kind.fields, f));
  if (unknown !== undefined || fields.length === 0) throw new Error(`unknown field ${unknown} of ${kindId}`);
  const own = (f: string) => (!codes || codes.has(`${f}_validity`) ? [`${f}_validity`] : []);
  const columns = ['validity', ...fields.flatMap((f) => [f, ...own(f)])].map(quoteIdent).join(', ');
  return (
    `SELECT ${columns} FROM ${quoteIdent(kind.id)} WHERE "station" = ${quoteString(station)}` +
    ` AND time >= ${period.from}ms AND time < ${period.to}ms`
  );
}

export type InfluxSourceOptions = { influx: V1ReadTarget; records: QaRecords; chunkSize?: number };

/** Reads each station's series from InfluxDB 1.x (streamed in chunks) and its QA records. */
export function createInfluxSource(options: InfluxSourceOptions): StationSource {
  // Most points share one code (`validity`); a `<field>_validity` exists only where codes differed
  // (ingest/README.md). Selecting only those that exist halves the answer of a month of clean data.
  const codeFields = new Map<string, Promise<Set<string>>>();
  const codesOf = (kind: string) => {
    let known = codeFields.get(kind);
    if (!known) {
      known = (async () => {
        const names = new Set<string>();
        for await (const chunk of queryChunks(options.influx, `SHOW FIELD KEYS FROM ${quoteIdent(kind)}`))
          for (const [name] of chunk.values)
            if (typeof name === 'string' && name.endsWith('_validity')) names.add(name);
        return names;
      })();
      known.catch(() => codeFields.delete(kind));
      codeFields.set(kind, known);
    }
    return known;
  };
  return {
    async read(station, spec, period) {
      const kind = findKind(spec.kind);
      if (!kind) throw new Error(`unknown kind ${spec.kind}`);
      const fields = [...spec.fields];
      const series = new Map<string, Point[]>(fields.map((f) => [f, []]));
      // The type's lookback (a 24 h mean at the day's first hours) is read too; the section counts the period.
      const from = period.from - (spec.lookbackMs ?? 0);
      const codes = await codesOf(kind.id);
      const statement = stationStatement(spec.kind, station.id, fields, { from, to: period.to }, codes);
      for await (const chunk of queryChunks(options.influx, statement, options.chunkSize)) {
        const at = (name: string) => chunk.columns.indexOf(name);
        const time = at('time');
        const validity = at('validity');
        const slots = fields.map((f) => ({
          points: series.get(f) as Point[],
          value: at(f),
          code: at(`${f}_validity`),
        }));
        for (const row of chunk.values) {
          const ts = row[time] as number;
          const pointCode = validity >= 0 ? row[validity] : undefined;
          for (const slot of slots) {
            const value = slot.value >= 0 ? row[slot.value] : null;
            // Absent values are not points: a row holds every selected column, most nulls on sparse fields.
            if (typeof value !== 'number') continue;
            const own = slot.code >= 0 ? row[slot.code] : null;
            slot.points.push([ts, value, own ?? pointCode]);
          }
        }
      }
      return {
        station,
        intervalS: kind.expectedIntervalS,
        series,
        windows: options.records.windows(station.id, period.from, period.to),
        decisions: options.records.decisions(station.id, period.from, period.to),
      };
    },
  };
}
