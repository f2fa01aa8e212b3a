import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileOps, realFileOps, writeFileAtomic } from './atomic-file.ts';
import { dataStateOf, type GenerateDeps, generateReport, reportFileName } from './generate.ts';
import { reportGenerator } from './generator.ts';
import type { FormatSpec, ReportFormat, ReportTypeSpec, StationMeta } from './model.ts';
import { type CheckedRequest, checkRequest } from './request.ts';
import type { StationSource } from './source.ts';

// A report type of this test's own: one row per station with its number of PM2.5 values.
const countSpec: ReportTypeSpec = {
  type: 'air-monthly',
  title: 'report.title.air_monthly',
  kind: 'air_quality',
  unit: 'month',
  standards: ['pp22_2021'],
  fields: ['pm25'],
  columns: [{ key: 'values', label: 'report.column.values', format: 'integer' }],
  section: (data, period) => {
    const n = data.series.get('pm25')?.length ?? 0;
    return {
      station: data.station,
      rows: [{ station: data.station.id, parameter: 'pm25', period: period.label, values: n }],
      capture: null,
      notes: [],
      states: { validated: 0, provisional: n, invalid: 0 },
    };
  },
};
const lines: FormatSpec = {
  format: 'csv',
  extension: 'csv',
  contentType: 'text/csv',
  render: async (report) =>
    new TextEncoder().encode(
      report.sections.map((s) => s.rows.map((r) => `${r.station},${r.values}`).join('\n')).join('\n'),
    ),
};
const registry: StationMeta[] = [
  { id: 'aq-a', name: 'A', kind: 'air_quality' },
  { id: 'aq-b', name: 'B', kind: 'air_quality' },
];
const source: StationSource = {
  read: async (station) => ({
    station,
    intervalS: 60,
    series: new Map([['pm25', station.id === 'aq-a' ? [[1, 10, 0] as const] : []]]),
    windows: [],
    decisions: [],
  }),
};
const checked = (stations: string[] = [], formats = ['csv']): CheckedRequest => {
  const check = checkRequest(
    { type: 'air-monthly', period: '2026-11', stations, formats, lang: 'en' },
    { specs: [countSpec], formats: ['csv', 'pdf'], registry, scope: {}, now: Date.UTC(2026, 11, 1) },
  );
  if (!check.ok) throw new Error(check.refusal.key);
  return check.value;
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reports-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));
const deps = (change: Partial<GenerateDeps> = {}): GenerateDeps => ({
  source,
  formats: new Map<ReportFormat, FormatSpec>([['csv', lines]]),
  outDir: dir,
  agency: { name: 'DLHK' },
  now: () => 42,
  ...change,
});

describe('reportFileName', () => {
  it('<type>_<period>[_<station>]_<lang>.<ext>', () => {
    expect(reportFileName(checked(), 'csv')).toBe('air-monthly_2026-11_en.csv');
    expect(reportFileName(checked(['aq-b']), '.pdf')).toBe('air-monthly_2026-11_aq-b_en.pdf');
  });
});

describe('generateReport', () => {
  it('builds station by station with progress, writes each format with its size and sha256', async () => {
    const progress: string[] = [];
    const { report, files } = await generateReport(
      checked(),
      deps({ onStation: (p) => progress.push(`${p.done}/${p.total} ${p.station}`) }),
    );
    expect(progress).toEqual(['1/2 aq-a', '2/2 aq-b']);
    expect(report).toMatchObject({ type: 'air-monthly', generatedAt: 42, title: 'report.title.air_monthly' });
    expect(report.dataState).toEqual({ validated: 0, provisional: 1, invalid: 0 });
    const text = await readFile(join(dir, 'air-monthly_2026-11_en.csv'), 'utf8');
    expect(text).toBe('aq-a,1\naq-b,0');
    expect(files).toEqual([
      {
        format: 'csv',
        path: join(dir, 'air-monthly_2026-11_en.csv'),
        bytes: 13,
        sha256: createHash('sha256').update(text).digest('hex'),
      },
    ]);
  });

  it('a render failure writes nothing; a write failure removes the files of the run already written', async () => {
    const broken: FormatSpec = {
      ...lines,
      format: 'pdf',
      extension: 'pdf',
      render: () => Promise.reject(new Error('chromium died')),
    };
    const formats = new Map<ReportFormat, FormatSpec>([
      ['csv', lines],
      ['pdf', broken],
    ]);
    await expect(generateReport(checked([], ['csv', 'pdf']), deps({ formats }))).rejects.toThrow(
      'chromium died',
    );
    expect(await readdir(dir)).toEqual([]);

    const pdf: FormatSpec = { ...lines, format: 'pdf', extension: 'pdf' };
    let renames = 0;
    const failSecondRename: FileOps = {
      ...realFileOps,
      rename: (from, to) =>
        ++renames === 2 ? Promise.reject(new Error('EIO')) : realFileOps.rename(from, to),
    };
    await expect(
      generateReport(
        checked([], ['csv', 'pdf']),
        deps({
          formats: new Map([
            ['csv', lines],
            ['pdf', pdf],
          ]),
          fileOps: failSecondRename,
        }),
      ),
    ).rejects.toThrow('EIO');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a source failure (InfluxDB down) writes nothing', async () => {
    const down: StationSource = { read: () => Promise.reject(new Error('InfluxDB unreachable')) };
    await expect(generateReport(checked(), deps({ source: down }))).rejects.toThrow('unreachable');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file; a failed write leaves the old file and no temp', async () => {
    const path = join(dir, 'r.csv');
    await writeFileAtomic(path, new TextEncoder().encode('old'));
    const failingWrite: FileOps = {
      ...realFileOps,
      open: async (p, flags, mode) => {
        const handle = await realFileOps.open(p, flags, mode);
        handle.sync = () => Promise.reject(new Error('ENOSPC'));
        return handle;
      },
    };
    await expect(writeFileAtomic(path, new TextEncoder().encode('new'), failingWrite)).rejects.toThrow(
      'ENOSPC',
    );
    expect(await readdir(dir)).toEqual(['r.csv']);
    expect(await readFile(path, 'utf8')).toBe('old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['r.csv']);
  });
});

describe('dataStateOf', () => {
  it('shares summing to 1 with data, zeros without', () => {
    const section = (validated: number, provisional: number, invalid: number) =>
      ({ states: { validated, provisional, invalid } }) as Parameters<typeof dataStateOf>[0][number];
    expect(dataStateOf([section(1, 2, 1), section(2, 2, 0)])).toEqual({
      validated: 3 / 8,
      provisional: 4 / 8,
      invalid: 1 / 8,
    });
    expect(dataStateOf([section(0, 0, 0)])).toEqual({ validated: 0, provisional: 0, invalid: 0 });
  });
});

describe('reportGenerator', () => {
  const { generate, check } = reportGenerator({
    source,
    specs: [countSpec],
    formats: new Map<ReportFormat, FormatSpec>([['csv', lines]]),
    stations: async () => [...registry, { id: 'aq-c', name: 'C', kind: 'air_quality', operator: 'DLHK' }],
    agency: { name: 'DLHK' },
    now: () => Date.UTC(2026, 11, 1),
  });
  const request = { type: 'air-monthly' as const, period: '2026-11', stations: [], lang: 'id' as const };

  it("checks with the requester's scope, then writes: the stations covered are the scope's", async () => {
    const made = await generate(request, { formats: ['csv'], outDir: dir, scope: { operators: ['DLHK'] } });
    expect(made.stations).toEqual(['aq-c']);
    expect(await readdir(dir)).toEqual(['air-monthly_2026-11_aq-c_id.csv']);
  });

  it('a refusal throws before anything is read or written', async () => {
    const refused = generate(
      { ...request, stations: ['aq-a'] },
      { formats: ['csv'], outDir: dir, scope: { kinds: ['wastewater'] } },
    );
    await expect(refused).rejects.toThrow(/aq-a/);
    const refusal = await check({ ...request, stations: ['aq-a'] }, ['csv'], { kinds: ['wastewater'] });
    expect(refusal).toMatchObject({ key: 'report_request.station_scope' });
    expect(await readdir(dir)).toEqual([]);
  });
});
