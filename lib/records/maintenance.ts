import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { parseRrule } from '../qa/recurrence.ts';
import type { MaintenanceType, MaintenanceWindow } from '../qa/windows.ts';

export const Origins = ['planned', 'logged'] as const;
export type Origin = (typeof Origins)[number];

export type CalibrationResult = {
  field: string;
  zero_reading: number | null;
  span_reading: number | null;
  span_target: number | null;
  offset_applied: number | null;
  reference: string;
};

/** A row of `maintenance_windows` (times in epoch ms, UTC), with its calibration results if any. */
export type WindowRecord = {
  id: number;
  station: string;
  kind: string;
  /** null: every field of the station. */
  fields: string[] | null;
  type: MaintenanceType;
  origin: Origin;
  start_at: number;
  end_at: number | null;
  rrule: string | null;
  duration_ms: number | null;
  who: string;
  notes: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  calibration?: CalibrationResult;
};

export type NewWindow = Omit<WindowRecord, 'id' | 'created_at' | 'updated_at' | 'calibration'>;
export type WindowChange = Partial<
  Pick<WindowRecord, 'fields' | 'type' | 'start_at' | 'end_at' | 'rrule' | 'duration_ms' | 'who' | 'notes'>
>;

/**
 * Filters of a listing. `stations` restricts to these ids (a scoped user's); `from`/`to` keep windows
 * whose span (a recurring one's whole series) overlaps `[from, to)`: expand occurrences afterwards.
 */
export type WindowFilter = {
  station?: string;
  stations?: readonly string[];
  type?: MaintenanceType;
  calibrations?: boolean;
  from?: number;
  to?: number;
  limit?: number;
};

type Row = Omit<WindowRecord, 'fields' | 'calibration'> & {
  fields: string | null;
  c_field: string | null;
  zero_reading: number | null;
  span_reading: number | null;
  span_target: number | null;
  offset_applied: number | null;
  reference: string | null;
};

function fromRow(row: Row): WindowRecord {
  const record: WindowRecord = {
    id: row.id,
    station: row.station,
    kind: row.kind,
    fields: row.fields === null ? null : (JSON.parse(row.fields) as string[]),
    type: row.type,
    origin: row.origin,
    start_at: row.start_at,
    end_at: row.end_at,
    rrule: row.rrule,
    duration_ms: row.duration_ms,
    who: row.who,
    notes: row.notes,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  if (row.c_field !== null && row.reference !== null)
    record.calibration = {
      field: row.c_field,
      zero_reading: row.zero_reading,
      span_reading: row.span_reading,
      span_target: row.span_target,
      offset_applied: row.offset_applied,
      reference: row.reference,
    };
  return record;
}

/**
 * The window as lib/qa/windows.ts evaluates it. A stored rule that no longer parses (edited by hand)
 * keeps only its first occurrence: a window is never silently dropped.
 */
export function toWindow(record: WindowRecord): MaintenanceWindow {
  const window: MaintenanceWindow = {
    id: record.id,
    station: record.station,
    fields: record.fields,
    type: record.type,
    start: record.start_at,
    end: record.end_at,
  };
  if (record.rrule === null || record.duration_ms === null) return window;
  const rule = parseRrule(record.rrule);
  if (rule.ok) window.recurrence = { rule: rule.value, durationMs: record.duration_ms };
  else window.end = Math.min(record.end_at ?? Number.POSITIVE_INFINITY, record.start_at + record.duration_ms);
  return window;
}

const SELECT = `SELECT w.*, c.field AS c_field, c.zero_reading, c.span_reading, c.span_target, c.offset_applied,
  c.reference FROM maintenance_windows w LEFT JOIN calibrations c ON c.window_id = w.id`;

/** The `maintenance_windows` and `calibrations` tables. Callers wrap multi-row writes in a transaction. */
export class MaintenanceRepo {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #insert: StatementSync;
  readonly #update: StatementSync;
  readonly #calibrate: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#get = db.prepare(`${SELECT} WHERE w.id = ?`);
    this.#insert = db.prepare(
      `INSERT INTO maintenance_windows (station, kind, fields, type, origin, start_at, end_at, rrule, duration_ms,
       who, notes, created_by, created_at, updated_at) VALUES (:station, :kind, :fields, :type, :origin, :start_at,
       :end_at, :rrule, :duration_ms, :who, :notes, :created_by, :now, :now)`,
    );
    this.#update = db.prepare(
      `UPDATE maintenance_windows SET fields = :fields, type = :type, start_at = :start_at, end_at = :end_at,
       rrule = :rrule, duration_ms = :duration_ms, who = :who, notes = :notes, updated_at = :now WHERE id = :id`,
    );
    this.#calibrate = db.prepare(
      `INSERT INTO calibrations (window_id, field, zero_reading, span_reading, span_target, offset_applied, reference)
       VALUES (:window_id, :field, :zero_reading, :span_reading, :span_target, :offset_applied, :reference)`,
    );
  }

  get(id: number): WindowRecord | undefined {
    const row = this.#get.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  insert(window: NewWindow, now = Date.now()): WindowRecord {
    const result = this.#insert.run({
      ...window,
      fields: window.fields === null ? null : JSON.stringify(window.fields),
      now,
    });
    return this.get(Number(result.lastInsertRowid)) as WindowRecord;
  }

  /** Adds the calibration results of window `id` (a window of type calibration). */
  addCalibration(id: number, result: CalibrationResult): WindowRecord | undefined {
    this.#calibrate.run({ window_id: id, ...result });
    return this.get(id);
  }

  /** Applies the change (undefined entries keep their value); undefined when there is no such window. */
  update(id: number, change: WindowChange, now = Date.now()): WindowRecord | undefined {
    const before = this.get(id);
    if (!before) return undefined;
    const after = { ...before };
    for (const [key, value] of Object.entries(change))
      if (value !== undefined) (after as Record<string, unknown>)[key] = value;
    this.#update.run({
      id,
      fields: after.fields === null ? null : JSON.stringify(after.fields),
      type: after.type,
      start_at: after.start_at,
      end_at: after.end_at,
      rrule: after.rrule,
      duration_ms: after.duration_ms,
      who: after.who,
      notes: after.notes,
      now,
    });
    return this.get(id);
  }

  /** Newest start first, at most `limit` (default 500). */
  list(filter: WindowFilter = {}): WindowRecord[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.station !== undefined) {
      where.push('w.station = ?');
      params.push(filter.station);
    }
    if (filter.stations !== undefined) {
      where.push('w.station IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.stations));
    }
    if (filter.type !== undefined) {
      where.push('w.type = ?');
      params.push(filter.type);
    }
    if (filter.calibrations) where.push('c.window_id IS NOT NULL');
    if (filter.to !== undefined) {
      where.push('w.start_at < ?');
      params.push(filter.to);
    }
    if (filter.from !== undefined) {
      where.push('(w.end_at IS NULL OR w.end_at > ?)');
      params.push(filter.from);
    }
    params.push(filter.limit ?? 500);
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY w.start_at DESC, w.id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }
}
