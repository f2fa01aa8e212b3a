import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReportType } from '../model.ts';
import { csvFormat, csvText } from '../render/csv.ts';
import { reportOf } from '../testdata/fixture.ts';

/**
 * The golden month (lib/reports/testdata/, README there) through every report type and the CSV
 * printer, compared with lib/reports/testdata/expected/<type>.csv. `GOLDEN_UPDATE=1` rewrites them
 * (then read the diff: a changed number is a changed report).
 */
const EXPECTED = new URL('../testdata/expected/', import.meta.url);
const CASES: { type: ReportType; station: string; period: string }[] = [
  { type: 'ispu-daily', station: 'aq-t1', period: '2027-01-09' },
  { type: 'air-monthly', station: 'aq-t1', period: '2027-01' },
  { type: 'wastewater-monthly', station: 'ww-t1', period: '2027-01' },
  { type: 'water-monthly', station: 'wn-t1', period: '2027-01' },
];

describe('golden reports', () => {
  it.each(CASES)('$type of $station for $period equals expected/$type.csv', ({ type, station, period }) => {
    const csv = csvText(reportOf(type, station, period));
    const file = new URL(`${type}.csv`, EXPECTED);
    if (process.env.GOLDEN_UPDATE === '1' || !existsSync(file)) {
      mkdirSync(EXPECTED, { recursive: true });
      writeFileSync(file, csv);
      if (process.env.GOLDEN_UPDATE !== '1')
        throw new Error(`wrote missing ${type}.csv: check it, then rerun`);
    }
    expect(csv).toBe(readFileSync(file, 'utf8'));
  });

  it('the CSV format adds the byte-order mark and nothing else', async () => {
    const report = reportOf('air-monthly', 'aq-t1', '2027-01');
    const bytes = await csvFormat.render(report);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe(csvText(report));
  });
});
