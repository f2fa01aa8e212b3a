import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/**
 * The actions recorded so far. Later issues (maintenance, validation, device changes) add theirs here;
 * the column takes any name, so an older console still lists rows written by newer code.
 */
export const AuditActions = [
  'login',
  'login_failed',
  'logout',
  'alert_acknowledged',
  'user_added',
  'user_changed',
  'user_removed',
  'token_added',
  'token_changed',
  'token_removed',
  'users_imported',
  'maintenance_added',
  'maintenance_changed',
  'maintenance_ended',
  'calibration_added',
  'data_validated',
  'report_generated',
  'report_downloaded',
  'report_mailed',
  'report_mail_failed',
  'report_mail_retry',
  'report_pruned',
  'citizen_report_moderated',
] as const;
export type AuditAction = (typeof AuditActions)[number];

/** How the actor came: a console session, an API token, the command line, or the service itself. */
export type AuditVia = 'session' | 'token' | 'cli' | 'system';

export type AuditEntry = {
  at: number;
  actor: string;
  via: AuditVia;
  action: AuditAction;
  target: string;
  before?: unknown;
  after?: unknown;
  address?: string;
};

export type AuditRow = Omit<AuditEntry, 'before' | 'after' | 'address' | 'action'> & {
  id: number;
  action: string;
  before: unknown;
  after: unknown;
  address: string | null;
};

/**
 * Filters of the audit view. `user`, `action` and `target` match exactly, or by prefix when they end
 * in `*` (`target=wastewater/*`); `from` is inclusive and `to` exclusive (epoch ms); `cursor` is the id
 * of the last row of the previous page (newest first).
 */
export type AuditFilter = {
  user?: string;
  action?: string;
  target?: string;
  from?: number;
  to?: number;
  cursor?: number;
};

// Defence in depth: callers build before/after from safe views, but a key that names a secret is
// blanked here too, so a mistake upstream cannot put a hash into the log.
const SECRET_KEY = /^(password|password_hash|token|token_hash|secret|secret_hash)$/i;

export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEY.test(key) && typeof v === 'string' ? '[redacted]' : scrubSecrets(v);
  return out;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(scrubSecrets(value)));

type Row = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };

function fromRow(row: Row): AuditRow {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    via: row.via,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    address: row.address,
  };
}

function matcher(column: string, value: string, params: SQLInputValue[]): string {
  if (!value.endsWith('*')) {
    params.push(value);
    return `${column} = ?`;
  }
  // LIKE with the user's text escaped, so `%` and `_` in a name are literal.
  params.push(`${value.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return `${column} LIKE ? ESCAPE '\\'`;
}

/** The `audit` table: append, and read back newest first with filters. */
export class AuditRepo {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO audit (at, actor, via, action, target, before, after, address)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(entry: AuditEntry): number {
    const result = this.#insert.run(
      entry.at,
      entry.actor,
      entry.via,
      entry.action,
      entry.target,
      json(entry.before),
      json(entry.after),
      entry.address ?? null,
    );
    return Number(result.lastInsertRowid);
  }

  /** One page, newest first; `next` is the cursor of the following page when there is one. */
  page(filter: AuditFilter, limit: number): { entries: AuditRow[]; next?: number } {
    const rows = [...this.rows(filter, limit + 1)];
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    return rows.length > limit && last ? { entries, next: last.id } : { entries };
  }

  /** Rows one at a time (the CSV export streams them), newest first, at most `limit`. */
  *rows(filter: AuditFilter, limit: number): Generator<AuditRow> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.user !== undefined) where.push(matcher('actor', filter.user, params));
    if (filter.action !== undefined) where.push(matcher('action', filter.action, params));
    if (filter.target !== undefined) where.push(matcher('target', filter.target, params));
    const bounds: [string, number | undefined][] = [
      ['at >= ?', filter.from],
      ['at < ?', filter.to],
      ['id < ?', filter.cursor],
    ];
    for (const [clause, value] of bounds) {
      if (value === undefined) continue;
      where.push(clause);
      params.push(value);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(limit);
    for (const row of this.#db.prepare(sql).iterate(...params)) yield fromRow(row as Row);
  }
}
