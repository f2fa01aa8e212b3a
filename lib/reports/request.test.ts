import { describe, expect, it } from 'vitest';
import type { ReportTypeSpec, StationMeta } from './model.ts';
import { checkRequest, inScope, parsePeriod, type RequestContext, type RequestInput } from './request.ts';

const spec = (type: ReportTypeSpec['type'], kind: string, unit: 'day' | 'month'): ReportTypeSpec => ({
  type,
  kind,
  unit,
  standards: [],
  fields: ['pm25'],
  columns: [],
  section: () => {
    throw new Error('not read in these tests');
  },
});

const registry: StationMeta[] = [
  { id: 'aq-beji-01', name: 'Beji', kind: 'air_quality', operator: 'DLHK' },
  { id: 'aq-cinere-01', name: 'Cinere', kind: 'air_quality', operator: 'BMKG' },
  { id: 'ww-ipal-01', name: 'IPAL', kind: 'wastewater', operator: 'UPTD PAL' },
];
// 2026-12-15 10:00 WIB
const now = Date.UTC(2026, 11, 15, 3);
const context: RequestContext = {
  specs: [spec('air-monthly', 'air_quality', 'month'), spec('ispu-daily', 'air_quality', 'day')],
  formats: ['csv', 'pdf'],
  registry,
  scope: {},
  now,
};
const input = (change: Partial<RequestInput> = {}): RequestInput => ({
  type: 'air-monthly',
  period: '2026-11',
  stations: [],
  formats: ['csv'],
  lang: 'id',
  ...change,
});
const refusal = (change: Partial<RequestInput>, ctx: Partial<RequestContext> = {}) => {
  const check = checkRequest(input(change), { ...context, ...ctx });
  return check.ok ? undefined : check.refusal;
};

describe('parsePeriod', () => {
  it('a WIB month starts at 17:00 UTC on the last day of the month before', () => {
    expect(parsePeriod('2026-12', 'month')).toEqual({
      label: '2026-12',
      from: Date.UTC(2026, 10, 30, 17),
      to: Date.UTC(2026, 11, 31, 17),
      unit: 'month',
    });
  });
  it('a WIB day is 24 h from 17:00 UTC the day before; February has 28 days in 2027', () => {
    const day = parsePeriod('2027-02-28', 'day');
    expect(day?.from).toBe(Date.UTC(2027, 1, 27, 17));
    expect(day && day.to - day.from).toBe(86_400_000);
    expect(parsePeriod('2027-02-29', 'day')).toBeUndefined();
  });
  it.each([
    ['2026-13', 'month'],
    ['2026-1', 'month'],
    ['2026-12-01', 'month'],
    ['2026-12', 'day'],
    ['26-12-01', 'day'],
    ['2026-12-32', 'day'],
    ['', 'month'],
  ] as const)('refuses %s as a %s', (text, unit) => {
    expect(parsePeriod(text, unit)).toBeUndefined();
  });
});

describe('checkRequest', () => {
  it('without stations takes every station of the kind, sorted', () => {
    const check = checkRequest(input(), context);
    expect(check.ok && check.value.stations.map((s) => s.id)).toEqual(['aq-beji-01', 'aq-cinere-01']);
    expect(check.ok && check.value.request).toEqual({
      type: 'air-monthly',
      period: '2026-11',
      stations: ['aq-beji-01', 'aq-cinere-01'],
      lang: 'id',
    });
  });
  it('allows the month in progress and today, refuses what has not started', () => {
    expect(refusal({ period: '2026-12' })).toBeUndefined();
    expect(refusal({ type: 'ispu-daily', period: '2026-12-15' })).toBeUndefined();
    expect(refusal({ type: 'ispu-daily', period: '2026-12-16' })).toEqual({
      key: 'report_request.period_future',
      params: { period: '2026-12-16' },
    });
    expect(refusal({ period: '2027-01' })?.key).toBe('report_request.period_future');
  });
  it('names the bad value in each refusal', () => {
    expect(refusal({ type: 'air-yearly' })).toEqual({
      key: 'report_request.type_unknown',
      params: { type: 'air-yearly', types: 'ispu-daily, air-monthly, wastewater-monthly, water-monthly' },
    });
    expect(refusal({ type: 'water-monthly' })).toEqual({
      key: 'report_request.type_unavailable',
      params: { type: 'water-monthly' },
    });
    expect(refusal({ period: '2026-11-01' })).toMatchObject({
      key: 'report_request.period_malformed',
      params: { period: '2026-11-01', form: 'YYYY-MM' },
    });
    expect(refusal({ stations: ['aq-nowhere'] })).toEqual({
      key: 'report_request.station_unknown',
      params: { station: 'aq-nowhere' },
    });
    expect(refusal({ stations: ['ww-ipal-01'] })).toMatchObject({
      key: 'report_request.station_kind',
      params: { station: 'ww-ipal-01', kind: 'wastewater', expected: 'air_quality' },
    });
    expect(refusal({ formats: ['docx'] })).toMatchObject({
      key: 'report_request.format_unknown',
      params: { format: 'docx' },
    });
    expect(refusal({ formats: ['csv', 'xlsx'] })).toEqual({
      key: 'report_request.format_unavailable',
      params: { format: 'xlsx', formats: 'csv, pdf' },
    });
    expect(refusal({ formats: [] })?.key).toBe('report_request.format_none');
    expect(refusal({ lang: 'fr' })).toMatchObject({
      key: 'report_request.lang_unknown',
      params: { lang: 'fr' },
    });
  });
  it('holds the scope: a named station outside it is refused, the default list leaves it out', () => {
    const scope = { operators: ['DLHK'] };
    expect(refusal({ stations: ['aq-cinere-01'] }, { scope })).toEqual({
      key: 'report_request.station_scope',
      params: { station: 'aq-cinere-01' },
    });
    const check = checkRequest(input(), { ...context, scope });
    expect(check.ok && check.value.stations.map((s) => s.id)).toEqual(['aq-beji-01']);
    expect(refusal({}, { scope: { kinds: ['wastewater'] } })).toEqual({
      key: 'report_request.no_stations',
      params: { type: 'air-monthly', kind: 'air_quality' },
    });
  });
  it('keeps named stations in the order given, once each, and formats once each', () => {
    const check = checkRequest(
      input({ stations: ['aq-cinere-01', 'aq-beji-01', 'aq-cinere-01'], formats: ['pdf', 'csv', 'pdf'] }),
      context,
    );
    expect(check.ok && check.value.request.stations).toEqual(['aq-cinere-01', 'aq-beji-01']);
    expect(check.ok && check.value.formats).toEqual(['pdf', 'csv']);
  });
});

describe('inScope', () => {
  it('an operator scope admits no station of unknown operator; kinds and operators both hold', () => {
    expect(inScope({}, { kind: 'wastewater' })).toBe(true);
    expect(inScope({ operators: ['DLHK'] }, { kind: 'air_quality' })).toBe(false);
    expect(
      inScope({ operators: ['DLHK'], kinds: ['wastewater'] }, { kind: 'air_quality', operator: 'DLHK' }),
    ).toBe(false);
    expect(
      inScope({ operators: ['DLHK'], kinds: ['air_quality'] }, { kind: 'air_quality', operator: 'DLHK' }),
    ).toBe(true);
  });
});
