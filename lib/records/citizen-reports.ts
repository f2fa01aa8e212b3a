import { createHmac } from 'node:crypto';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import {
  ANSWER_MAX,
  type CitizenAction,
  CitizenCategories,
  type CitizenCategory,
  type CitizenStatus,
  CONTACT_MAX,
  DESCRIPTION_MAX,
  inDepok,
  newTrackingCode,
  normalizeCode,
} from './citizen-report-rules.ts';

export * from './citizen-report-rules.ts';

// Citizen reports (pengaduan, issue 17): the rows, their photo and their moderation history. The
// repository checks what the table's CHECKs check, with the narrower Depok box, and owns the tracking
// codes and the keyed hash of senders' addresses. Roles and scope are the callers' (the console's
// moderation routes; the public service only inserts and reads what is public).

export type CitizenPhoto = { jpeg: Uint8Array; width: number; height: number };

export type NewCitizenReport = {
  category: CitizenCategory;
  description: string;
  lat: number;
  lon: number;
  contact?: string | null;
  photo?: CitizenPhoto | null;
  /** From `hashAddress()`, never the address itself. */
  addressHash: string;
};

export type CitizenReport = {
  id: number;
  code: string;
  category: CitizenCategory;
  description: string;
  lat: number;
  lon: number;
  contact: string | null;
  status: CitizenStatus;
  public_answer: string | null;
  station_id: string | null;
  alert_id: string | null;
  has_photo: boolean;
  created_at: number;
  updated_at: number;
};

export type CitizenEvent = {
  id: number;
  report_id: number;
  at: number;
  actor: string;
  action: CitizenAction;
  status: CitizenStatus;
  note: string | null;
  public_answer: string | null;
  station_id: string | null;
  alert_id: string | null;
};

export type Moderation = {
  action: CitizenAction;
  actor: string;
  /** A rejection's reason (internal: never public). */
  note?: string;
  publicAnswer?: string;
  station?: string | null;
  alert?: string | null;
};

/** A refusal of the repository: `code` is a catalogue key (`citizen.error.*`). */
export class CitizenReportError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CitizenReportError';
    this.code = code;
  }
}

// Which status each action may start from, and the status it leaves.
const TRANSITIONS: Record<CitizenAction, { from: readonly CitizenStatus[]; to?: CitizenStatus }> = {
  approved: { from: ['new', 'rejected'], to: 'approved' },
  rejected: { from: ['new', 'approved'], to: 'rejected' },
  resolved: { from: ['approved'], to: 'resolved' },
  linked: { from: ['new', 'approved', 'resolved'] },
};

type Row = Omit<CitizenReport, 'has_photo'> & { has_photo: number };
const COLUMNS = `r.id, r.code, r.category, r.description, r.lat, r.lon, r.contact, r.status, r.public_answer,
  r.station_id, r.alert_id, r.created_at, r.updated_at,
  EXISTS (SELECT 1 FROM citizen_report_photos p WHERE p.report_id = r.id) AS has_photo`;
const fromRow = (row: Row): CitizenReport => ({ ...row, has_photo: row.has_photo === 1 });

export type CitizenFilter = {
  statuses?: readonly CitizenStatus[];
  /** The id of the last report of the previous page. */
  cursor?: number;
  limit: number;
  /** Listings for staff put new reports first; the public map is newest first. */
  newFirst?: boolean;
};

export class CitizenReportRepo {
  readonly #db: DatabaseSync;
  readonly #key: Buffer;
  readonly #get: StatementSync;
  readonly #byCode: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    const key = db.prepare('SELECT key FROM citizen_report_key WHERE id = 1').get() as { key: Uint8Array };
    this.#key = Buffer.from(key.key);
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM citizen_reports r WHERE r.id = ?`);
    this.#byCode = db.prepare(`SELECT ${COLUMNS} FROM citizen_reports r WHERE r.code = ?`);
  }

  /** The sender's address as stored: HMAC-SHA256 under this database's key, hex. */
  hashAddress(address: string): string {
    return createHmac('sha256', this.#key).update(address).digest('hex');
  }

  /** Reports sent from this address hash since `since` (epoch ms), and the oldest of them. */
  sentSince(addressHash: string, since: number): { count: number; oldest: number | null } {
    return this.#db
      .prepare(
        'SELECT count(*) AS count, min(created_at) AS oldest FROM citizen_reports WHERE address_hash = ? AND created_at >= ?',
      )
      .get(addressHash, since) as { count: number; oldest: number | null };
  }

  insert(report: NewCitizenReport, now = Date.now()): CitizenReport {
    if (!(CitizenCategories as readonly string[]).includes(report.category))
      throw new CitizenReportError('citizen.error.category', `unknown category ${report.category}`);
    const description = report.description.trim();
    if (description.length === 0 || description.length > DESCRIPTION_MAX)
      throw new CitizenReportError('citizen.error.description', 'description empty or too long');
    if (!inDepok(report.lat, report.lon))
      throw new CitizenReportError('citizen.error.outside_depok', 'coordinates outside Depok');
    const contact = report.contact?.trim() || null;
    if (contact && contact.length > CONTACT_MAX)
      throw new CitizenReportError('citizen.error.contact', 'contact too long');
    const insert = this.#db.prepare(
      `INSERT INTO citizen_reports (code, category, description, lat, lon, contact, address_hash, created_at,
       updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.#write(() => {
      let id = 0;
      // 50 random bits: a collision is rare, but a unique index refusing one must not lose a report.
      for (let attempt = 0; id === 0; attempt++) {
        try {
          const code = newTrackingCode();
          const args = [code, report.category, description, report.lat, report.lon, contact];
          id = Number(insert.run(...args, report.addressHash, now, now).lastInsertRowid);
        } catch (err) {
          if (attempt >= 4 || !/UNIQUE/.test((err as Error).message)) throw err;
        }
      }
      if (report.photo)
        this.#db
          .prepare('INSERT INTO citizen_report_photos (report_id, jpeg, width, height) VALUES (?, ?, ?, ?)')
          .run(id, report.photo.jpeg, report.photo.width, report.photo.height);
      return this.get(id) as CitizenReport;
    });
  }

  get(id: number): CitizenReport | undefined {
    const row = this.#get.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** By tracking code, as typed (normalized first); undefined for a malformed or unknown one. */
  byCode(input: string): CitizenReport | undefined {
    const code = normalizeCode(input);
    const row = code === undefined ? undefined : (this.#byCode.get(code) as Row | undefined);
    return row && fromRow(row);
  }

  photo(id: number): CitizenPhoto | undefined {
    return this.#db
      .prepare('SELECT jpeg, width, height FROM citizen_report_photos WHERE report_id = ?')
      .get(id) as CitizenPhoto | undefined;
  }

  list(filter: CitizenFilter): CitizenReport[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.statuses) {
      where.push('r.status IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.statuses));
    }
    if (filter.cursor !== undefined) {
      where.push('r.id < ?');
      params.push(filter.cursor);
    }
    const order = filter.newFirst ? "(r.status = 'new') DESC, r.id DESC" : 'r.id DESC';
    const sql = `SELECT ${COLUMNS} FROM citizen_reports r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, filter.limit) as Row[]).map(fromRow);
  }

  history(id: number): CitizenEvent[] {
    return this.#db
      .prepare('SELECT * FROM citizen_report_events WHERE report_id = ? ORDER BY id')
      .all(id) as CitizenEvent[];
  }

  /**
   * One moderation step: checks the transition and what it needs (a reason to reject, a public answer to
   * resolve, a station or an alert to link), updates the report and appends its history row, in one
   * transaction (or in the caller's, which then also writes the audit row).
   */
  moderate(id: number, step: Moderation, now = Date.now()): CitizenReport {
    const current = this.get(id);
    if (!current) throw new CitizenReportError('citizen.error.not_found', `no report ${id}`);
    const rule = TRANSITIONS[step.action];
    if (!rule.from.includes(current.status))
      throw new CitizenReportError(
        'citizen.error.transition',
        `cannot ${step.action} a ${current.status} report`,
      );
    const note = step.note?.trim() || null;
    const answer = step.publicAnswer?.trim() || null;
    if (step.action === 'rejected' && !note)
      throw new CitizenReportError('citizen.error.reason_required', 'a rejection needs a reason');
    if (step.action === 'resolved' && !answer)
      throw new CitizenReportError('citizen.error.answer_required', 'resolving needs a public answer');
    if ((note?.length ?? 0) > ANSWER_MAX || (answer?.length ?? 0) > ANSWER_MAX)
      throw new CitizenReportError('citizen.error.answer_too_long', 'note or answer too long');
    const station = step.action === 'linked' ? (step.station ?? null) : current.station_id;
    const alert = step.action === 'linked' ? (step.alert ?? null) : current.alert_id;
    if (step.action === 'linked' && !station && !alert)
      throw new CitizenReportError('citizen.error.link_required', 'link to a station or an alert');
    const status = rule.to ?? current.status;
    const publicAnswer = answer ?? current.public_answer;
    return this.#write(() => {
      this.#db
        .prepare(
          'UPDATE citizen_reports SET status = ?, public_answer = ?, station_id = ?, alert_id = ?, updated_at = ? WHERE id = ?',
        )
        .run(status, publicAnswer, station, alert, now, id);
      this.#db
        .prepare(
          `INSERT INTO citizen_report_events (report_id, at, actor, action, status, note, public_answer, station_id,
           alert_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, now, step.actor, step.action, status, note, answer, station, alert);
      return this.get(id) as CitizenReport;
    });
  }

  // Its own transaction unless the caller already holds one (the console adds its audit row in it).
  #write<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
