import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Decision, DecisionKind } from '../qa/states.ts';
import type { AuditVia } from './audit.ts';

/** A row of `validations`: one validator's decision on a range (times in epoch ms, UTC, `[from, to)`). */
export type ValidationRecord = {
  id: number;
  station: string;
  kind: string;
  fields: string[];
  from_at: number;
  to_at: number;
  decision: DecisionKind;
  reason: string | null;
  /** Values InfluxDB held in the range when the decision was made. */
  points: number;
  decided_by: string;
  via: AuditVia;
  decided_at: number;
};

export type NewValidation = Omit<ValidationRecord, 'id' | 'decided_at'>;

/** `station` and, optionally, a field and the decisions overlapping `[from, to)`; `stations`: a scope. */
export type ValidationFilter = {
  station?: string;
  stations?: readonly string[];
  field?: string;
  from?: number;
  to?: number;
  limit?: number;
  /** Listings: newest first. Default oldest first, the order in which decisions supersede one another. */
  newestFirst?: boolean;
};

type Row = Omit<ValidationRecord, 'fields'> & { fields: string };

const fromRow = (row: Row): ValidationRecord => ({ ...row, fields: JSON.parse(row.fields) as string[] });

/** The decision as lib/qa/states.ts evaluates it. */
export function toDecision(record: ValidationRecord): Decision {
  return {
    id: record.id,
    station: record.station,
    fields: record.fields,
    from: record.from_at,
    to: record.to_at,
    decision: record.decision,
    reason: record.reason,
    by: record.decided_by,
    at: record.decided_at,
  };
}

/**
 * The `validations` table: append and read. There is no update or delete (the table's triggers refuse
 * both): a revision is a newer decision, and the older rows are the history.
 */
export class ValidationRepo {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #get: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM validations WHERE id = ?');
    this.#insert = db.prepare(
      `INSERT INTO validations (station, kind, fields, from_at, to_at, decision, reason, points, decided_by, via,
       decided_at) VALUES (:station, :kind, :fields, :from_at, :to_at, :decision, :reason, :points, :decided_by,
       :via, :now)`,
    );
  }

  get(id: number): ValidationRecord | undefined {
    const row = this.#get.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  insert(decision: NewValidation, now = Date.now()): ValidationRecord {
    const result = this.#insert.run({ ...decision, fields: JSON.stringify(decision.fields), now });
    return this.get(Number(result.lastInsertRowid)) as ValidationRecord;
  }

  /** Decisions matching the filter. `limit` bounds a listing; state computations pass none. */
  list(filter: ValidationFilter = {}): ValidationRecord[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (clause: string, value: SQLInputValue) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.station !== undefined) add('station = ?', filter.station);
    if (filter.stations !== undefined)
      add('station IN (SELECT value FROM json_each(?))', JSON.stringify(filter.stations));
    if (filter.field !== undefined)
      add('EXISTS (SELECT 1 FROM json_each(fields) WHERE value = ?)', filter.field);
    if (filter.to !== undefined) add('from_at < ?', filter.to);
    if (filter.from !== undefined) add('to_at > ?', filter.from);
    const limit = filter.limit === undefined ? '' : ' LIMIT ?';
    if (filter.limit !== undefined) params.push(filter.limit);
    const sql = `SELECT * FROM validations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id${filter.newestFirst ? ' DESC' : ''}${limit}`;
    return (this.#db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }
}
