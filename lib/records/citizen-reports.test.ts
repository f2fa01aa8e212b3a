import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CitizenReportError,
  inDepok,
  type NewCitizenReport,
  newTrackingCode,
  normalizeCode,
} from './citizen-reports.ts';
import { openRecords, type Records } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';

const T0 = Date.parse('2026-12-01T09:00:00+07:00');
const report = (over: Partial<NewCitizenReport> = {}): NewCitizenReport => ({
  category: 'smell',
  description: 'Bau menyengat dari saluran di Jl. Margonda',
  lat: -6.3725,
  lon: 106.8317,
  contact: '0812-0000-1111',
  addressHash: 'h1',
  ...over,
});

describe('citizen reports repository (issue 17)', () => {
  let dir: string;
  let records: Records;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'records-citizen-'));
    records = openRecords(join(dir, 'records.db'));
  });
  afterEach(async () => {
    records.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a report with a fresh 10-character Crockford code, status new, and finds it by code as typed', () => {
    const a = records.citizenReports.insert(report(), T0);
    expect(a).toMatchObject({ id: 1, status: 'new', category: 'smell', has_photo: false, created_at: T0 });
    expect(a.code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$/);
    const typed = `${a.code.slice(0, 5).toLowerCase()}-${a.code.slice(5)}`;
    expect(records.citizenReports.byCode(typed)?.id).toBe(a.id);
    expect(records.citizenReports.byCode('UUUUUUUUUU')).toBeUndefined();
  });

  it('keeps the photo apart from the row, and reports whether there is one', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    const a = records.citizenReports.insert(report({ photo: { jpeg, width: 40, height: 30 } }));
    expect(a.has_photo).toBe(true);
    expect(records.citizenReports.photo(a.id)).toMatchObject({ width: 40, height: 30 });
    expect(Buffer.from(records.citizenReports.photo(a.id)?.jpeg ?? []).equals(Buffer.from(jpeg))).toBe(true);
  });

  it('refuses coordinates outside Depok, an unknown category, an empty or long description, and stores nothing', () => {
    const bad: [Partial<NewCitizenReport>, string][] = [
      [{ lat: -6.2, lon: 106.82 }, 'citizen.error.outside_depok'], // central Jakarta
      [{ lat: 51.5, lon: -0.12 }, 'citizen.error.outside_depok'],
      [{ lat: Number.NaN }, 'citizen.error.outside_depok'],
      [{ category: 'noise' as never }, 'citizen.error.category'],
      [{ description: '   ' }, 'citizen.error.description'],
      [{ description: 'x'.repeat(2001) }, 'citizen.error.description'],
      [{ contact: 'x'.repeat(201) }, 'citizen.error.contact'],
    ];
    for (const [over, code] of bad)
      expect(() => records.citizenReports.insert(report(over)), code).toThrow(
        expect.objectContaining({ code }) as CitizenReportError,
      );
    expect(records.citizenReports.list({ limit: 10 })).toEqual([]);
  });

  it('the table refuses far coordinates even past the repository', () => {
    const insert = () =>
      records.db
        .prepare(
          `INSERT INTO citizen_reports (code, category, description, lat, lon, address_hash, created_at, updated_at)
           VALUES ('ABCDEFGHJK', 'smell', 'x', 10, 10, 'h', 0, 0)`,
        )
        .run();
    expect(insert).toThrow(/CHECK/);
  });

  it('moderates: approve, link, resolve with an answer; reject needs a reason; history in order', () => {
    const repo = records.citizenReports;
    const a = repo.insert(report(), T0);
    expect(() => repo.moderate(a.id, { action: 'resolved', actor: 'ops', publicAnswer: 'x' })).toThrow(
      expect.objectContaining({ code: 'citizen.error.transition' }) as Error,
    );
    expect(() => repo.moderate(a.id, { action: 'rejected', actor: 'ops' })).toThrow(
      expect.objectContaining({ code: 'citizen.error.reason_required' }) as Error,
    );
    expect(() => repo.moderate(a.id, { action: 'linked', actor: 'ops' })).toThrow(
      expect.objectContaining({ code: 'citizen.error.link_required' }) as Error,
    );
    repo.moderate(a.id, { action: 'approved', actor: 'ops' }, T0 + 1);
    repo.moderate(a.id, { action: 'linked', actor: 'ops', station: 'ww-tapos-01' }, T0 + 2);
    expect(() => repo.moderate(a.id, { action: 'resolved', actor: 'ops', publicAnswer: ' ' })).toThrow(
      expect.objectContaining({ code: 'citizen.error.answer_required' }) as Error,
    );
    const done = repo.moderate(
      a.id,
      { action: 'resolved', actor: 'siti', publicAnswer: 'Saluran dibersihkan' },
      T0 + 3,
    );
    expect(done).toMatchObject({
      status: 'resolved',
      public_answer: 'Saluran dibersihkan',
      station_id: 'ww-tapos-01',
    });
    expect(repo.history(a.id).map((e) => [e.action, e.actor, e.status, e.at])).toEqual([
      ['approved', 'ops', 'approved', T0 + 1],
      ['linked', 'ops', 'approved', T0 + 2],
      ['resolved', 'siti', 'resolved', T0 + 3],
    ]);
    expect(() => records.db.prepare('UPDATE citizen_report_events SET actor = ?').run('x')).toThrow(
      /append only/,
    );
  });

  it('lists new reports first for staff, filters by status, pages by cursor', () => {
    const repo = records.citizenReports;
    const ids = [1, 2, 3, 4].map((i) => repo.insert(report({ addressHash: `h${i}` }), T0 + i).id);
    repo.moderate(ids[3] as number, { action: 'approved', actor: 'ops' });
    expect(repo.list({ limit: 10, newFirst: true }).map((r) => r.id)).toEqual([3, 2, 1, 4]);
    expect(repo.list({ limit: 10, statuses: ['approved', 'resolved'] }).map((r) => r.id)).toEqual([4]);
    expect(repo.list({ limit: 2 }).map((r) => r.id)).toEqual([4, 3]);
    expect(repo.list({ limit: 2, cursor: 3 }).map((r) => r.id)).toEqual([2, 1]);
  });

  it('hashes addresses with a key of its own database and counts what an address sent since a time', () => {
    const repo = records.citizenReports;
    const h = repo.hashAddress('203.0.113.7');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(repo.hashAddress('203.0.113.7'));
    expect(h).not.toBe(repo.hashAddress('203.0.113.8'));
    const other = openRecords(':memory:');
    expect(other.citizenReports.hashAddress('203.0.113.7')).not.toBe(h);
    other.close();
    repo.insert(report({ addressHash: h }), T0);
    repo.insert(report({ addressHash: h }), T0 + 10);
    repo.insert(report({ addressHash: 'else' }), T0 + 20);
    expect(repo.sentSince(h, T0 + 5)).toEqual({ count: 1, oldest: T0 + 10 });
    expect(repo.sentSince(h, T0)).toEqual({ count: 2, oldest: T0 });
    const raw = JSON.stringify(records.db.prepare('SELECT * FROM citizen_reports').all());
    expect(raw).not.toContain('203.0.113.7');
  });

  it('upgrades a version 4 database with its users kept', () => {
    const db = new DatabaseSync(':memory:');
    const all = loadMigrations();
    migrate(db, all.slice(0, 4));
    db.prepare(
      "INSERT INTO users (username, password_hash, roles, stamp, created_at, updated_at) VALUES ('siti', 'scrypt$x', '[\"admin\"]', 's', 0, 0)",
    ).run();
    expect(migrate(db, all)).toContain(6);
    expect(db.prepare('SELECT username FROM users').all()).toEqual([{ username: 'siti' }]);
    expect(db.prepare('SELECT count(*) AS n FROM citizen_reports').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('tracking codes', () => {
  it('are 10 symbols of the Crockford alphabet, different each time, and read back as typed', () => {
    const codes = new Set(Array.from({ length: 2000 }, newTrackingCode));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(normalizeCode(code)).toBe(code);
    expect(normalizeCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeCode('O1IL0 12345')).toBe('01110' + '12345');
    expect(normalizeCode('ABCDEFGHJU')).toBeUndefined();
    expect(normalizeCode('SHORT')).toBeUndefined();
    expect(normalizeCode("'; DROP TABLE x")).toBeUndefined();
  });

  it('Depok box: the city centre in, Jakarta and Bogor out', () => {
    expect(inDepok(-6.4025, 106.7942)).toBe(true);
    expect(inDepok(-6.1754, 106.8272)).toBe(false);
    expect(inDepok(-6.595, 106.8166)).toBe(false);
  });
});
