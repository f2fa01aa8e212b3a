import { describe, expect, it } from 'vitest';
import { type AlertPoint, foldEpisodes, historyPage } from './alert-episodes.ts';

// Points as the flows write them (flows/core/alert.ts alertLine): every point carries the episode so far.
const T0 = Date.parse('2026-12-01T01:00:00Z');
const base = { kind: 'wastewater', station: 'ww-01', rule: 'p68-bod', severity: 'warning', unit: 'mg/L' };
const raisedAt = new Date(T0).toISOString();
const point = (state: AlertPoint['state'], time: number, over: Partial<AlertPoint> = {}): AlertPoint => ({
  ...base,
  state,
  time,
  raised_at: raisedAt,
  raised_value: 45,
  limit: 30,
  standard: 'Permen LHK P.68/2016',
  ...over,
});
const episode = [
  point('raised', T0, { value: 45, message: 'raised' }),
  point('escalated', T0 + 60_000, { value: 45, escalated_at: new Date(T0 + 60_000).toISOString() }),
  point('acknowledged', T0 + 90_000, {
    value: 45,
    acknowledged_at: new Date(T0 + 90_000).toISOString(),
    acknowledged_by: 'sari',
    comment: 'blower checked',
    escalated_at: new Date(T0 + 60_000).toISOString(),
  }),
  point('cleared', T0 + 600_000, {
    value: 12,
    message: 'ww-01: bod 12 mg/L, back within 30 mg/L; 45 mg/L when raised',
    acknowledged_at: new Date(T0 + 90_000).toISOString(),
    acknowledged_by: 'sari',
    comment: 'blower checked',
    escalated_at: new Date(T0 + 60_000).toISOString(),
  }),
];

const WHOLE = {
  id: 'wastewater/ww-01/p68-bod',
  kind: 'wastewater',
  station: 'ww-01',
  rule: 'p68-bod',
  severity: 'warning',
  raised_at: T0,
  escalated_at: T0 + 60_000,
  acknowledged_at: T0 + 90_000,
  acknowledged_by: 'sari',
  comment: 'blower checked',
  cleared_at: T0 + 600_000,
  duration_s: 600,
  raised_value: 45,
  cleared_value: 12,
  limit: 30,
  unit: 'mg/L',
  standard: 'Permen LHK P.68/2016',
  message: 'ww-01: bod 12 mg/L, back within 30 mg/L; 45 mg/L when raised',
};

describe('folding alert transitions into episodes', () => {
  it('folds raise, escalation, acknowledgement and clear into one row, whatever the order read', () => {
    expect(foldEpisodes(episode)).toEqual([expect.objectContaining(WHOLE)]);
    expect(foldEpisodes([...episode].reverse())).toEqual([expect.objectContaining(WHOLE)]);
  });

  it('a cleared point alone is the whole row (its raise lies before the period read)', () => {
    expect(foldEpisodes(episode.slice(3))).toEqual([expect.objectContaining(WHOLE)]);
  });

  it('keeps two episodes of the same alert apart by their raise time', () => {
    const t1 = T0 + 3_600_000;
    const again = { raised_at: new Date(t1).toISOString(), raised_value: 50 };
    const rows = foldEpisodes([
      ...episode,
      point('raised', t1, { ...again, value: 50 }),
      point('acknowledged', t1 + 5000, { ...again, value: 50, acknowledged_by: 'budi' }),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ raised_at: T0, acknowledged_by: 'sari', cleared_at: T0 + 600_000 });
    expect(rows[1]).toMatchObject({
      raised_at: t1,
      raised_value: 50,
      acknowledged_at: t1 + 5000,
      acknowledged_by: 'budi',
      comment: null,
      cleared_at: null,
      duration_s: null,
    });
  });

  it('points written before `raised_at` existed join the latest raise of the same alert', () => {
    const legacy = (state: AlertPoint['state'], time: number, over: Partial<AlertPoint> = {}) => ({
      ...base,
      state,
      time,
      ...over,
    });
    const rows = foldEpisodes([
      legacy('raised', T0, { value: 40 }),
      legacy('acknowledged', T0 + 1000, { acknowledged_by: 'andi', comment: 'seen' }),
      legacy('cleared', T0 + 2000, { value: 10 }),
      legacy('raised', T0 + 5000, { value: 41 }),
      legacy('cleared', T0 + 9000, { value: 11 }),
      legacy('cleared', T0 - 9000, { value: 9 }),
    ]);
    expect(rows.map((r) => [r.raised_at, r.acknowledged_at, r.acknowledged_by, r.cleared_at])).toEqual([
      [null, null, null, T0 - 9000],
      [T0, T0 + 1000, 'andi', T0 + 2000],
      [T0 + 5000, null, null, T0 + 9000],
    ]);
    expect(rows.map((r) => [r.raised_value, r.cleared_value, r.duration_s])).toEqual([
      [null, 9, null],
      [40, 10, 2],
      [41, 11, 4],
    ]);
  });
});

describe('a page of the history', () => {
  // Three alerts cleared at t, t (a tie: one reading cleared two rules) and t - 1 s; one still active.
  const t = T0 + 600_000;
  const other = (rule: string, cleared: number): AlertPoint[] => [
    point('raised', T0, { rule, value: 45 }),
    point('cleared', cleared, { rule, value: 10 }),
  ];
  const points = [
    ...other('p68-bod', t),
    ...other('p68-cod', t),
    ...other('p68-tss', t - 1000),
    point('raised', T0, { rule: 'p68-ph', value: 9 }),
  ];
  const ids = (rows: { rule: string }[]) => rows.map((r) => r.rule);

  it('lists cleared episodes only, newest clear first, ties by id', () => {
    const page = historyPage(points, 10);
    expect(ids(page.rows)).toEqual(['p68-bod', 'p68-cod', 'p68-tss']);
    expect(page.next).toBeNull();
  });

  it('continues after a cursor, through a tie, without repeating or losing a row', () => {
    const first = historyPage(points, 1);
    expect(ids(first.rows)).toEqual(['p68-bod']);
    expect(first.next).toEqual({ t, id: 'wastewater/ww-01/p68-bod' });
    const second = historyPage(points, 1, first.next ?? undefined);
    expect(ids(second.rows)).toEqual(['p68-cod']);
    const third = historyPage(points, 1, second.next ?? undefined);
    expect(ids(third.rows)).toEqual(['p68-tss']);
    expect(third.next).toBeNull();
  });

  it('stops at the oldest point read when the statement hit its point cap', () => {
    // Clears at the oldest time read may have more points beyond the cap: they come on the next page.
    const page = historyPage(points, 10, undefined, t - 1000);
    expect(ids(page.rows)).toEqual(['p68-bod', 'p68-cod']);
    expect(page.next).toEqual({ t: t - 1000, id: '' });
    expect(ids(historyPage(points, 10, page.next ?? undefined).rows)).toEqual(['p68-tss']);
  });
});
