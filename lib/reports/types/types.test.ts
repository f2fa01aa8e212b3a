import { describe, expect, it } from 'vitest';
import type { Point } from '../../aggregate/points.ts';
import { findKind } from '../../catalogue/index.ts';
import { catalogue } from '../../i18n/index.ts';
import { findStandard, loadStandards } from '../../standards/index.ts';
import type { Report, StationData } from '../model.ts';
import { REPORT_TYPES } from '../model.ts';
import { csvText } from '../render/csv.ts';
import { periodOf } from '../testdata/fixture.ts';
import { baseColumns, findReportType, reportTypes } from './index.ts';
import { events, volumeM3, wastewaterMonthly } from './wastewater-monthly.ts';
import { median, nightFlows, pressureBand, waterMonthly } from './water-monthly.ts';

const H = 3_600_000;
const JAN = periodOf('2027-01');

describe('the report types as data', () => {
  it('every type is listed once, with its kind, standards, fields and words', () => {
    expect(reportTypes.map((t) => t.type).sort()).toEqual([...REPORT_TYPES].sort());
    const words = catalogue('id');
    for (const t of reportTypes) {
      expect(findReportType(t.type)).toBe(t);
      const kind = findKind(t.kind);
      expect(kind, t.kind).toBeDefined();
      for (const f of t.fields) expect(kind?.fields[f], `${t.type}: ${f}`).toBeDefined();
      for (const s of t.standards) expect(findStandard(loadStandards(), s), s).toBeDefined();
      expect(words[t.title], t.title).toBeDefined();
      const keys = [...baseColumns, ...t.columns].map((c) => c.key);
      expect(new Set(keys).size, `${t.type}: duplicate column`).toBe(keys.length);
      for (const c of [...baseColumns, ...t.columns]) expect(words[c.label], c.label).toBeDefined();
    }
  });
});

describe('pieces', () => {
  const ph = { min: 6, max: 9 };
  it('counts consecutive exceeding values as one event, below a range too', () => {
    expect(events([7, 10, 11, 7, 5, 5, 8, 9.5], ph)).toBe(3);
    expect(events([7, 8], ph)).toBe(0);
    expect(events([], ph)).toBe(0);
  });

  it('integrates flow by the trapezoid, skipping gaps longer than three intervals', () => {
    const s = (minute: number, value: number) => ({ ts: minute * 60_000, value, valid: true });
    const hour = Array.from({ length: 61 }, (_, m) => s(m, 2)); // 2 L/s for an hour
    expect(volumeM3(hour, 60, 'L/s')).toBeCloseTo(7.2, 9);
    expect(volumeM3([s(0, 1), s(1, 3)], 60, 'L/s')).toBeCloseTo(0.12, 9);
    expect(volumeM3([s(0, 2), s(4, 2)], 60, 'L/s')).toBe(0); // 4 min > 3 intervals: unknown
    expect(() => volumeM3(hour, 60, 'gal/min')).toThrow(/no conversion/);
  });

  it('takes a night as the lower of its 02 and 03 WIB hourly means', () => {
    const night = JAN.from + 2 * H;
    const hours = [
      { start: night - H, mean: 1 }, // 01:00: not night
      { start: night, mean: 3 },
      { start: night + H, mean: 2.5 },
      { start: night + 24 * H, mean: null },
      { start: night + 25 * H, mean: 4 },
    ];
    expect(nightFlows(hours)).toEqual([2.5, 4]);
    expect(median([4, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('reads the pressure band in the field unit, converting the atm maximum', () => {
    expect(pressureBand('bar')).toEqual({ min: 0.7, max: 8 * 1.01325 });
  });
});

/** A hand-made outfall: BOD every 15 min over January, at 20 mg/L. */
function outfall(edit: (points: Point[]) => void, more: Partial<StationData> = {}): StationData {
  const points: Point[] = [];
  for (let t = JAN.from; t < JAN.to; t += 900_000) points.push([t, 20, 0]);
  edit(points);
  return {
    station: { id: 'ww-x', name: 'IPAL "Uji", Depok', kind: 'wastewater' },
    intervalS: 900,
    series: new Map([['bod', points]]),
    windows: [],
    decisions: [],
    ...more,
  };
}
const bodRow = (d: StationData) => wastewaterMonthly.section(d, JAN).rows.find((r) => r.parameter === 'bod');
const at = (day: number, hour: number) => JAN.from + ((day - 1) * 24 + hour) * H;

describe('what counts', () => {
  const exceed = (p: Point[]) => {
    for (let i = 0; i < p.length; i++)
      if ((p[i] as Point)[0] >= at(5, 0) && (p[i] as Point)[0] < at(5, 2)) p[i] = [(p[i] as Point)[0], 50, 0];
  };

  it('an exceedance counts while nothing else says otherwise', () => {
    const r = bodRow(outfall(exceed));
    expect(r).toMatchObject({ judged: 2976, events: 1, max: 50 });
    expect(r?.compliance).toBeCloseTo((2968 / 2976) * 100, 9);
  });

  it('a flagged value, a value decided invalid, a value in a window: none counts', () => {
    const flagged = outfall((p) => {
      exceed(p);
      for (let i = 0; i < p.length; i++) if ((p[i] as Point)[1] === 50) p[i] = [(p[i] as Point)[0], 50, 3];
    });
    expect(bodRow(flagged)).toMatchObject({ judged: 2968, events: 0, compliance: 100 });
    const decision = {
      id: 1,
      station: 'ww-x',
      fields: ['bod'],
      from: at(5, 0),
      to: at(5, 2),
      decision: 'invalid' as const,
      by: 'v',
      at: 0,
    };
    expect(bodRow(outfall(exceed, { decisions: [decision] }))).toMatchObject({ judged: 2968, events: 0 });
    const window = {
      id: 1,
      station: 'ww-x',
      fields: null,
      type: 'maintenance' as const,
      start: at(5, 0),
      end: at(5, 2),
    };
    const inWindow = outfall(exceed, { windows: [window] });
    expect(bodRow(inWindow)).toMatchObject({ judged: 2968, events: 0, capture: 100 });
    expect(wastewaterMonthly.section(inWindow, JAN).notes).toEqual([
      { label: 'report.note.maintenance', from: at(5, 0), to: at(5, 2) },
    ]);
  });

  it('states: decisions from lib/qa, flagged values invalid, the rest provisional', () => {
    const d = outfall(
      (p) => {
        p[0] = [(p[0] as Point)[0], 20, 3];
      },
      {
        decisions: [
          {
            id: 1,
            station: 'ww-x',
            fields: ['bod'],
            from: at(1, 0),
            to: at(2, 0),
            decision: 'valid',
            by: 'v',
            at: 0,
          },
        ],
      },
    );
    expect(wastewaterMonthly.section(d, JAN).states).toEqual({
      validated: 95,
      provisional: 2976 - 96,
      invalid: 1,
    });
  });

  it('a station without a field has no row for it, and no capture from it', () => {
    const s = waterMonthly.section({ ...outfall(() => {}), series: new Map() }, JAN);
    expect(s.rows).toEqual([]);
    expect(s.capture).toBeNull();
  });
});

describe('CSV', () => {
  it('quotes text with commas or quotes, prints datetimes in WIB and empty cells for no value', () => {
    const report = {
      columns: [
        { key: 'note', label: 'report.column.unit', format: 'text' },
        { key: 'at', label: 'report.column.period', format: 'datetime' },
        { key: 'v', label: 'report.column.max', format: 'number' },
      ],
      sections: [
        {
          rows: [
            {
              station: 'ww-x',
              parameter: 'bod',
              period: '2027-01',
              note: 'IPAL "Uji", Depok',
              at: at(1, 9),
              v: 0.1 + 0.2,
            },
            { station: 'ww-x', parameter: 'cod', period: '2027-01', note: 'Kelengkapan', at: null, v: null },
          ],
        },
      ],
    } as unknown as Report;
    expect(csvText(report).split('\r\n')).toEqual([
      'station,parameter,period,note,at,v',
      'ww-x,bod,2027-01,"IPAL ""Uji"", Depok",2027-01-01T09:00:00+07:00,0.30000000000000004',
      'ww-x,cod,2027-01,Kelengkapan,,',
      '',
    ]);
  });
});
