import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords, type Records } from './database.ts';
import type { NewRun } from './report-runs.ts';

const SHA = 'c'.repeat(64);
const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  type: 'ispu-daily',
  period: '2026-12-01',
  stations: [],
  lang: 'id',
  formats: ['pdf'],
  requested_by: 'schedule',
  via: 'schedule',
  started_at: 1000,
  ...over,
});

describe('report mail deliveries and pruning (migration 007)', () => {
  let records: Records;
  let runId: number;
  beforeEach(() => {
    records = openRecords(':memory:');
    runId = records.reportRuns.start(newRun());
    records.reportRuns.done(
      runId,
      2000,
      ['AQ-01'],
      [{ format: 'pdf', path: '2026/1-ispu.pdf', bytes: 10, sha256: SHA }],
    );
  });
  afterEach(() => records.close());

  it('queues one delivery per run, due at once, then retries, then ends once', () => {
    expect(records.reportMail.queue(runId, ['a@dlhk.local'], 3000)).toBe(true);
    expect(records.reportMail.queue(runId, ['b@dlhk.local'], 3001)).toBe(false);
    expect(records.reportMail.due(2999)).toEqual([]);
    expect(records.reportMail.due(3000).map((d) => d.run_id)).toEqual([runId]);
    expect(records.reportMail.nextAttemptAt()).toBe(3000);

    expect(records.reportMail.retry(runId, 3100, 1, 'mail server refused (EENVELOPE 451)', 63_100)).toBe(
      true,
    );
    expect(records.reportMail.get(runId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'mail server refused (EENVELOPE 451)',
      next_attempt_at: 63_100,
      recipients: ['a@dlhk.local'],
    });
    expect(records.reportMail.due(63_099)).toEqual([]);
    expect(records.reportMail.sent(runId, 63_200, 2)).toBe(true);
    expect(records.reportMail.get(runId)).toMatchObject({
      status: 'sent',
      attempts: 2,
      next_attempt_at: null,
    });
    expect(records.reportMail.nextAttemptAt()).toBeUndefined();
    // Ended: a late failure does not overwrite it.
    expect(records.reportMail.failed(runId, 70_000, 3, 'late')).toBe(false);
    expect(records.reportMail.ofRuns([runId, 999]).get(runId)?.status).toBe('sent');
  });

  it('refuses a delivery without recipients or of an unknown run', () => {
    expect(() => records.reportMail.queue(runId, [], 3000)).toThrow(/CHECK/);
    expect(() => records.reportMail.queue(12345, ['a@dlhk.local'], 3000)).toThrow(/FOREIGN KEY/);
  });

  it('offers for pruning only done runs finished before the limit, not pruned, with no mail pending', () => {
    const running = records.reportRuns.start(newRun({ started_at: 500 }));
    const failed = records.reportRuns.start(newRun({ started_at: 500 }));
    records.reportRuns.failed(failed, 600, 'InfluxDB answered 503');
    expect(records.reportRuns.prunable(2000).map((r) => r.id)).toEqual([]); // finished at 2000, not before
    expect(records.reportRuns.prunable(2001).map((r) => r.id)).toEqual([runId]);

    records.reportMail.queue(runId, ['a@dlhk.local'], 3000);
    expect(records.reportRuns.prunable(10_000)).toEqual([]); // its retry attaches the files
    records.reportMail.failed(runId, 3100, 1, 'gave up');
    expect(records.reportRuns.prunable(10_000).map((r) => r.id)).toEqual([runId]);

    expect(records.reportRuns.markPruned(running, 5000)).toBe(false);
    expect(records.reportRuns.markPruned(runId, 5000)).toBe(true);
    expect(records.reportRuns.markPruned(runId, 6000)).toBe(false);
    const pruned = records.reportRuns.get(runId);
    expect(pruned).toMatchObject({ status: 'done', pruned_at: 5000 });
    expect(pruned?.files).toEqual([{ format: 'pdf', path: '2026/1-ispu.pdf', bytes: 10, sha256: SHA }]);
    expect(records.reportRuns.prunable(10_000)).toEqual([]);
  });
});
