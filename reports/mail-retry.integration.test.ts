import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { freePort } from '../lib/process/ports.ts';
import { openRecords } from '../lib/records/database.ts';
import type { Generate } from '../lib/reports/run.ts';
import { ReportsConfigSchema } from './config.ts';
import { DEFAULT_SCHEDULE } from './schedule.ts';
import { startReports } from './service.ts';
import { type Mailbox, startMailbox } from './testdata/mailbox.ts';

// E-mail retries against a real SMTP server (smtp-server in this process): refused with 451 at first,
// or not listening yet, then accepted. The clock is injected and moved by the test; each retry pass is
// asked for with deliverDue(), as the service's timer does when the next attempt is due.
const wib = (text: string) => Date.parse(`${text}+07:00`);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const MIN = 60_000;
const DUE_AT = wib('2026-12-01T16:00:00');

const generate: Generate = async (req, { formats, outDir }) => ({
  stations: ['AQ-01'],
  files: await Promise.all(
    formats.map(async (format) => {
      const path = join(outDir, `${req.type}-${req.period}.${format}`);
      const bytes = Buffer.from(`${format} of ${req.period}`);
      await writeFile(path, bytes);
      return { format, path, bytes: bytes.length, sha256: sha(bytes) };
    }),
  ),
});

describe('scheduled report e-mail retries', () => {
  let dir: string;
  let mailbox: Mailbox | undefined;
  let clock: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reports-mail-'));
    clock = DUE_AT;
  });
  afterEach(async () => {
    await mailbox?.smtp.close();
    mailbox = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = (smtpUrl: string, maxAttempts = 5) =>
    startReports(
      ReportsConfigSchema.parse({
        dir: join(dir, 'reports'),
        recordsPath: join(dir, 'records.db'),
        schedule: { enabled: false }, // runs are asked for by the test
        mail: { recipients: 'kepala@dlhk.local', smtpUrl, maxAttempts },
      }),
      silentLogger(),
      { generate, now: () => clock },
    );
  const daily = DEFAULT_SCHEDULE.find((e) => e.type === 'ispu-daily');
  if (!daily) throw new Error('no ISPU bulletin in the schedule');
  const bulletin = { entry: daily, dueAt: DUE_AT, period: '2026-12-01' };
  const delivery = (runId: number) => {
    const records = openRecords(join(dir, 'records.db'));
    try {
      return {
        mail: records.reportMail.get(runId),
        audit: records.audit
          .page({ target: `report/${runId}` }, 20)
          .entries.map((a) => a.action)
          .reverse(),
      };
    } finally {
      records.close();
    }
  };

  it('retries a refused message after 1 and 5 minutes, and it arrives once', async () => {
    mailbox = await startMailbox({ refuse: 2 });
    const service = await start(mailbox.smtpUrl);
    const run = await service.runDue(bulletin);
    expect(mailbox.refused).toBe(1);
    expect(delivery(run.id).mail).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: DUE_AT + MIN,
      last_error: 'mail server refused or failed (EMESSAGE 451)',
    });

    clock = DUE_AT + MIN - 1; // not due yet
    expect(await service.deliverDue()).toEqual(new Map());
    clock = DUE_AT + MIN;
    expect(await service.deliverDue()).toEqual(new Map([[run.id, 'retry']]));
    expect(delivery(run.id).mail).toMatchObject({ attempts: 2, next_attempt_at: DUE_AT + 6 * MIN });
    clock = DUE_AT + 6 * MIN;
    expect(await service.deliverDue()).toEqual(new Map([[run.id, 'sent']]));
    clock += 60 * MIN;
    expect(await service.deliverDue()).toEqual(new Map());
    await service.close();

    expect(mailbox.refused).toBe(2);
    expect(mailbox.mails).toHaveLength(1);
    expect(mailbox.mails[0]).toMatch(/^To: kepala@dlhk\.local/m);
    expect(service.mailCounts).toEqual({ sent: 1, retried: 2, failed: 0 });
    const { mail, audit } = delivery(run.id);
    expect(mail).toMatchObject({ status: 'sent', attempts: 3, next_attempt_at: null, last_error: null });
    expect(audit).toEqual(['report_generated', 'report_mail_retry', 'report_mail_retry', 'report_mailed']);
  });

  it('keeps a delivery refused before a restart, and sends it when due after the restart', async () => {
    const port = await freePort();
    const smtpUrl = `smtp://127.0.0.1:${port}`; // nobody listens there yet
    const first = await start(smtpUrl);
    const run = await first.runDue(bulletin);
    await first.close();
    expect(delivery(run.id).mail).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery(run.id).mail?.last_error).toMatch(
      /^mail server refused or failed \((ESOCKET|ECONNECTION)/,
    );

    mailbox = await startMailbox({ port });
    clock = DUE_AT + 30_000; // restarted before the retry is due: nothing sent yet
    const second = await start(smtpUrl);
    expect(await second.deliverDue()).toEqual(new Map());
    await second.close();
    expect(mailbox.mails).toEqual([]);

    clock = DUE_AT + MIN;
    const third = await start(smtpUrl);
    await third.deliverDue(); // after the start-up pass, which sent it
    await third.close();
    expect(mailbox.mails).toHaveLength(1);
    expect(third.mailCounts.sent).toBe(1);
    expect(delivery(run.id).mail).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up after REPORTS_MAIL_MAX_ATTEMPTS and marks the delivery failed', async () => {
    mailbox = await startMailbox({ refuse: 99 });
    const service = await start(mailbox.smtpUrl, 3);
    const run = await service.runDue(bulletin);
    clock = DUE_AT + MIN;
    await service.deliverDue();
    clock = DUE_AT + 6 * MIN;
    expect(await service.deliverDue()).toEqual(new Map([[run.id, 'failed']]));
    clock = DUE_AT + 120 * MIN;
    expect(await service.deliverDue()).toEqual(new Map()); // given up: never tried again
    await service.close();

    expect(mailbox.refused).toBe(3);
    expect(mailbox.mails).toEqual([]);
    expect(service.mailCounts).toEqual({ sent: 0, retried: 2, failed: 1 });
    const { mail, audit } = delivery(run.id);
    expect(mail).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null });
    expect(mail?.last_error).not.toContain(String(mailbox.smtpUrl.split(':').at(-1)));
    expect(audit.at(-1)).toBe('report_mail_failed');
  });

  it('gives up at once on a permanent refusal (5xx): retrying the same message cannot help', async () => {
    mailbox = await startMailbox({ refuse: 99, refuseWith: 550 });
    const service = await start(mailbox.smtpUrl);
    const run = await service.runDue(bulletin);
    clock = DUE_AT + 120 * MIN;
    expect(await service.deliverDue()).toEqual(new Map()); // nothing left to try
    await service.close();

    expect(mailbox.refused).toBe(1);
    expect(service.mailCounts).toEqual({ sent: 0, retried: 0, failed: 1 });
    const { mail, audit } = delivery(run.id);
    expect(mail).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
    expect(mail?.last_error).toContain('550');
    expect(audit.at(-1)).toBe('report_mail_failed');
  });
});
