import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue, type Language } from '../../lib/i18n/index.ts';

// The console's browser modules are plain JavaScript (no build step); their pure parts load in Node
// too. Imported by URL so the type checker, which reads only TypeScript here, leaves them alone.
type Alert = { value: number; limit: number; unit?: string };
type Station = { id: string; kind: string; first_ts?: number; values: Record<string, number> };
type Dom = {
  formatDuration(seconds: number): string;
  formatAlertValue(alert: Alert): string;
  formatValue(value: number): string;
  formatTime(value: number): string;
};
type Chart = { axisRange(values: number[]): [number, number] };
type Render = { ispuHint(stations: Iterable<Station>, now: number): string };
type AlertLike = Record<string, unknown>;
type I18n = {
  useCatalogue(lang: Language, messages: Record<string, string>): void;
  alertText(alert: AlertLike): string;
  fieldDescription(kind: string, field: string, fallback?: string): string;
};

const load = async <T>(name: string): Promise<T> => import(new URL(`./${name}`, import.meta.url).href);
let dom: Dom;
let chart: Chart;
let render: Render;
let i18n: I18n;
/** The page's language: the browser modules word everything with the catalogue it was given. */
const speak = (lang: Language) => i18n.useCatalogue(lang, { ...catalogue(lang) });
beforeAll(async () => {
  [dom, chart, render, i18n] = await Promise.all([
    load<Dom>('dom.js'),
    load<Chart>('chart.js'),
    load<Render>('render.js'),
    load<I18n>('i18n.js'),
  ]);
  speak('en');
});

describe('console text', () => {
  it('shows a staleness alert as durations, not seconds in the parameter unit', () => {
    expect(dom.formatAlertValue({ value: 185, limit: 180, unit: 's' })).toBe('3 min 5 s / 3 min');
    expect(dom.formatAlertValue({ value: 81.2, limit: 55, unit: 'ug/m3' })).toBe('81.2 / 55.0 µg/m³');
    expect(dom.formatDuration(3.5)).toBe('3.5 s');
    expect(dom.formatDuration(7800)).toBe('2 h 10 min');
  });

  it('writes numbers, durations and times the Indonesian way in Indonesian', () => {
    speak('id');
    try {
      expect(dom.formatAlertValue({ value: 185, limit: 180, unit: 's' })).toBe('3 mnt 5 dtk / 3 mnt');
      expect(dom.formatAlertValue({ value: 81.2, limit: 55, unit: 'ug/m3' })).toBe('81,2 / 55,0 µg/m³');
      expect(dom.formatValue(1008.4)).toBe('1.008');
      expect(dom.formatTime(Date.parse('2026-12-01T07:05:00Z'))).toBe('1 Des 2026 14.05 WIB');
      expect(render.ispuHint([], 0)).toBe('belum ada: tidak ada stasiun kualitas udara.');
    } finally {
      speak('en');
    }
  });

  it('says why there is no ISPU yet and when the first value is expected', () => {
    const HOUR = 3_600_000;
    // 2027-01-15 10:20 WIB: readings since then make the first ISPU due 18 hours after 10:00 WIB.
    const first = Date.parse('2027-01-15T03:20:00Z');
    const air = (over: Partial<Station> = {}): Station => ({
      id: 'aq-1',
      kind: 'air_quality',
      values: {},
      ...over,
    });
    expect(render.ispuHint([], first)).toBe('none: no air-quality station.');
    expect(render.ispuHint([air()], first)).toMatch(
      /^not yet: waiting for PM2.5 readings; it is computed every full hour once 18 of the last 24 hours hold PM2.5 readings\.$/,
    );
    const reporting = air({ first_ts: first, values: { pm25: 20 } });
    expect(render.ispuHint([reporting], first + HOUR)).toBe(
      'not yet: it is computed every full hour once 18 of the last 24 hours hold PM2.5 readings; with readings since 15 Jan 2027 10:20 WIB, the first value is expected by about 16 Jan 2027 04:00 WIB.',
    );
    // Long past the due time: something else is wrong, and the hint says where to look.
    expect(render.ispuHint([reporting], first + 20 * HOUR)).toMatch(/are the alert flows running\?/);
  });
});

describe('chart value axis', () => {
  const labels = (values: number[]) => chart.axisRange(values).map((v) => dom.formatValue(v));

  it('gives a flat series a padded range with two different labels', () => {
    const [low, high] = chart.axisRange([1008, 1008, 1008]);
    expect(low).toBeCloseTo(997.92);
    expect(high).toBeCloseTo(1018.08);
    expect(new Set(labels([1008, 1008])).size).toBe(2);
    // Nearly flat at the precision shown: once "1008 / 1008".
    expect(new Set(labels([1008.2, 1008.4])).size).toBe(2);
    expect(chart.axisRange([7.2])).toEqual([6.2, 8.2]);
  });

  it('never goes negative for a series that is never negative', () => {
    expect(chart.axisRange([0, 0])).toEqual([0, 1]);
    expect(chart.axisRange([0.3])).toEqual([0, 1.3]);
    expect(chart.axisRange([-5])).toEqual([-6, -4]);
  });

  it('keeps the range of a series that varies', () => {
    expect(chart.axisRange([50, 60, 55])).toEqual([50, 60]);
    expect(chart.axisRange([])).toEqual([0, 1]);
  });
});

describe('fields by name', () => {
  const alert = {
    kind: 'wastewater',
    station: 'ww-tapos-01',
    rule: 'p68-cod',
    parameter: 'cod',
    state: 'raised',
    message: 'ww-tapos-01: cod 120.5 mg/L, above 100 mg/L (p68-cod; local limit)',
    text: { key: 'alert.detail.above', params: { value: 120.5, limit: 100, unit: 'mg/L' }, source: 'local' },
    unit: 'mg/L',
  };

  it("names an alert's field as the catalogue does, in the viewer's language; the rule keeps its id", () => {
    expect(i18n.alertText(alert)).toMatch(
      /^ww-tapos-01: Chemical oxygen demand 120\.5 mg\/L, above 100 mg\/L \(p68-cod; /,
    );
    speak('id');
    try {
      expect(i18n.alertText(alert)).toMatch(
        /^ww-tapos-01: Kebutuhan oksigen kimiawi \(COD\) 120,5 mg\/L, di atas /,
      );
    } finally {
      speak('en');
    }
  });

  it('keeps the code of a field the catalogue does not know, and an alert without a parameter as it was', () => {
    expect(i18n.alertText({ ...alert, parameter: 'cod_v2' })).toMatch(/^ww-tapos-01: cod_v2 120\.5/);
    expect(i18n.fieldDescription('air_quality', 'pm25')).toBe('PM2.5 mass concentration');
    expect(i18n.fieldDescription('wastewater', 'pm25')).toBe('pm25');
    const { parameter: _, ...noParameter } = alert;
    expect(i18n.alertText(noParameter)).toMatch(/^ww-tapos-01: p68-cod 120\.5/);
  });
});
