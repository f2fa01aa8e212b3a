import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { openRecords } from '../lib/records/database.ts';
import type { Generate } from '../lib/reports/run.ts';
import { ReportsConfigSchema } from './config.ts';
import { DEFAULT_SCHEDULE, lastDue } from './schedule.ts';
import { startReports } from './service.ts';
import { attachments, header, type Mailbox, startMailbox } from './testdata/mailbox.ts';

const wib = (text: string) => Date.parse(`${text}+07:00`);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Files of a size that needs several base64 lines; the PDF's bytes are not text. */
const generate: Generate = async (req, { formats, outDir }) => ({
  stations: ['AQ-01', 'AQ-02', 'AQ-03'],
  files: await Promise.all(
    formats.map(async (format) => {
      const path = join(outDir, `${req.type}-${req.period}.${format}`);
      const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + format.length) % 256));
      await writeFile(path, bytes);
      return { format, path, bytes: bytes.length, sha256: sha(bytes) };
    }),
  ),
});

describe('reports service', () => {
  let dir: string;
  let smtp: Mailbox['smtp'];
  let mails: string[];
  let smtpUrl: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reports-service-'));
    ({ smtp, mails, smtpUrl } = await startMailbox());
  });
  afterEach(async () => {
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const config = (over: Record<string, unknown> = {}) =>
    ReportsConfigSchema.parse({
      dir: join(dir, 'reports'),
      recordsPath: join(dir, 'records.db'),
      mail: { recipients: 'kepala@dlhk.local, lab@dlhk.local', smtpUrl, from: 'laporan@dlhk.local' },
      ...over,
    });

  it('stores a scheduled bulletin with its checksums and mails it with the same bytes attached', async () => {
    const now = wib('2026-12-01T15:00:00'); // before 16:00: nothing to catch up today, last month's done below
    const service = await startReports(config({ schedule: { catchUpH: 0 } }), silentLogger(), {
      generate,
      now: () => now,
    });
    const [daily] = DEFAULT_SCHEDULE;
    if (!daily) throw new Error('no bulletin');
    const run = await service.runDue({
      entry: daily,
      dueAt: wib('2026-12-01T16:00:00'),
      period: '2026-12-01',
    });
    await service.close();
    expect(run).toMatchObject({ status: 'done', via: 'schedule', requested_by: 'schedule', lang: 'id' });
    expect(run.files.map((f) => f.format)).toEqual(['pdf', 'csv', 'xlsx']);

    expect(mails).toHaveLength(1);
    const mail = mails[0] ?? '';
    expect(mail).toMatch(/^To: kepala@dlhk\.local, lab@dlhk\.local/m);
    // "Laporan ISPU harian 1 Desember 2026 – DLHK Kota Depok", MIME-encoded for its dash.
    expect(header(mail, 'Subject')).toBe('Laporan ISPU harian 1 Desember 2026 – DLHK Kota Depok');
    const attached = attachments(mail);
    expect([...attached.keys()]).toEqual(run.files.map((f) => f.path.split('/')[1]));
    for (const file of run.files)
      expect(sha(attached.get(file.path.split('/')[1] ?? '') ?? Buffer.alloc(0))).toBe(file.sha256);

    const records = openRecords(join(dir, 'records.db'));
    expect(records.audit.page({}, 10).entries.map((a) => a.action)).toEqual([
      'report_mailed',
      'report_generated',
    ]);
    records.close();
  });

  it('catches up the last missed runs once at start-up, and not again at the next start', async () => {
    const now = wib('2026-12-01T17:30:00'); // down at 16:00 and at 01:00
    const first = await startReports(config(), silentLogger(), { generate, now: () => now });
    const caught = await first.caughtUp;
    await first.close();
    expect(caught.map((r) => [r.type, r.period, r.status])).toEqual([
      ['ispu-daily', '2026-12-01', 'done'],
      ['air-monthly', '2026-11', 'done'],
      ['wastewater-monthly', '2026-11', 'done'],
      ['water-monthly', '2026-11', 'done'],
    ]);
    expect(mails).toHaveLength(4);
    const again = await startReports(config(), silentLogger(), { generate, now: () => now + 60_000 });
    expect(await again.caughtUp).toEqual([]);
    await again.close();
  });

  it('records a failed run with its message and mails nothing', async () => {
    const failing: Generate = async () => {
      throw new Error('InfluxDB answered 503: database not found');
    };
    const now = wib('2026-12-01T16:00:00');
    const service = await startReports(config({ schedule: { catchUpH: 0 } }), silentLogger(), {
      generate: failing,
      now: () => now,
    });
    const [daily] = DEFAULT_SCHEDULE;
    const due = daily && lastDue(daily, now);
    if (!due) throw new Error('nothing due');
    const run = await service.runDue(due);
    await service.close();
    expect(run).toMatchObject({ status: 'failed', message: 'InfluxDB answered 503: database not found' });
    expect(mails).toEqual([]);
  });

  it('refuses a bad recipient address by name before starting', () => {
    expect(() => config({ mail: { recipients: 'kepala@dlhk.local, not-an-address' } })).toThrow(
      /'not-an-address' is not an e-mail address/,
    );
  });

  it('the service prunes after the runs queued before it, with REPORTS_RETENTION_DAYS', async () => {
    const NOW = wib('2026-12-01T16:05:00');
    const DAY = 86_400_000;
    let clock = NOW - 10 * DAY;
    const generate: Generate = async (req, { formats, outDir }) => {
      const path = join(outDir, `${req.type}.${formats[0]}`);
      await writeFile(path, 'bytes');
      return {
        stations: ['AQ-01'],
        files: [{ format: formats[0] ?? 'csv', path, bytes: 5, sha256: 'd'.repeat(64) }],
      };
    };
    const config = ReportsConfigSchema.parse({
      dir: join(dir, 'reports'),
      recordsPath: join(dir, 'service.db'),
      retentionDays: 7,
      schedule: { enabled: false },
    });
    const service = await startReports(config, silentLogger(), { generate, now: () => clock });
    const entry = DEFAULT_SCHEDULE[0];
    if (!entry) throw new Error('empty schedule');
    const old = await service.runDue({ entry, dueAt: clock, period: '2026-11-21' });
    clock = NOW;
    const fresh = service.runDue({ entry, dueAt: clock, period: '2026-12-01' });
    const pruned = await service.prune(); // queued behind the fresh run, which it leaves alone
    expect(pruned).toEqual({ pruned: [old.id], refused: [] });
    expect((await fresh).status).toBe('done');
    await service.close();
    const path = (r: { files: { path: string }[] }) => join(dir, 'reports', r.files[0]?.path ?? 'none');
    expect(existsSync(path(old))).toBe(false);
    expect(existsSync(path(await fresh))).toBe(true);
  });
});
