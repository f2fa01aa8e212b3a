import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../records/database.ts';
import type { ReportRequest } from './model.ts';
import { type Generate, runReport } from './run.ts';

const request: ReportRequest = { type: 'ispu-daily', period: '2026-12-01', stations: [], lang: 'id' };
const who = { name: 'siti', via: 'console' as const, scope: {} };

/** Writes one small file per format, as generateReport does, into the folder it is given. */
const writing: Generate = async (req, { formats, outDir }) => ({
  stations: ['AQ-01', 'AQ-02'],
  files: await Promise.all(
    formats.map(async (format) => {
      const path = join(outDir, `${req.type}-${req.period}.${format}`);
      const text = `${format} of ${req.period}`;
      await writeFile(path, text);
      return { format, path, bytes: text.length, sha256: 'ignored'.padEnd(64, '0') };
    }),
  ),
});

describe('runReport', () => {
  let dir: string;
  let records: Records;
  let clock = 1000;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-run-'));
    records = openRecords(':memory:');
  });
  afterEach(async () => {
    records.close();
    await rm(dir, { recursive: true, force: true });
  });
  const deps = (generate: Generate) => ({ records, dir, generate, now: () => clock++ });

  it('moves the files into <yyyy>/<id>-<name> and stores the checksum of the bytes on disk', async () => {
    const run = await runReport(request, ['pdf', 'csv'], who, deps(writing));
    expect(run).toMatchObject({ status: 'done', stations: ['AQ-01', 'AQ-02'], requested_by: 'siti' });
    expect(run.files.map((f) => f.path)).toEqual([
      `2026/${run.id}-ispu-daily-2026-12-01.pdf`,
      `2026/${run.id}-ispu-daily-2026-12-01.csv`,
    ]);
    for (const file of run.files) {
      const bytes = await readFile(join(dir, file.path));
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(file.bytes).toBe(bytes.length);
    }
    expect(await readdir(join(dir, '.staging'))).toEqual([]);
    // A second run of the same period keeps the first one's files intact.
    const again = await runReport(request, ['pdf'], who, deps(writing));
    expect(again.files[0]?.path).not.toBe(run.files[0]?.path);
    expect((await readdir(join(dir, '2026'))).length).toBe(3);
  });

  it('records a failure with its message and leaves no partial file', async () => {
    const failing: Generate = async (req, options) => {
      await writing(req, options);
      throw new Error('InfluxDB answered 503');
    };
    const run = await runReport(request, ['pdf', 'csv'], who, deps(failing));
    expect(run).toMatchObject({ status: 'failed', message: 'InfluxDB answered 503', files: [] });
    expect(await readdir(join(dir, '.staging'))).toEqual([]);
    await expect(readdir(join(dir, '2026'))).rejects.toThrow(/ENOENT/);
  });
});
