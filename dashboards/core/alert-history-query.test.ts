import { describe, expect, it } from 'vitest';
import {
  AlertHistoryLimits,
  type AlertHistoryQuery,
  alertHistoryStatement,
  decodeCursor,
  encodeCursor,
  parseAlertPoints,
} from './alert-history-query.ts';

const FROM = Date.parse('2026-12-01T00:00:00Z');
const q = (over: Partial<AlertHistoryQuery> = {}): AlertHistoryQuery => ({
  from: FROM,
  to: FROM + 86_400_000,
  cap: 1000,
  ...over,
});

describe('alert history statement', () => {
  it('reads the alerts measurement in the period, newest first, at most cap points', () => {
    const s = alertHistoryStatement(q());
    expect(s).toMatch(
      /^SELECT "kind", "station", "rule", "state", .*"acknowledged_by", "comment", .*FROM "alerts"/,
    );
    expect(s).toMatch(
      new RegExp(`WHERE time >= ${FROM}ms AND time < ${FROM + 86_400_000}ms ORDER BY time DESC LIMIT 1000$`),
    );
  });

  it('filters by kind, station and rule, and by the scope lists as OR groups', () => {
    const s = alertHistoryStatement(
      q({
        kind: 'wastewater',
        station: 'ww-01',
        rule: 'p68-bod',
        scopeKinds: ['wastewater', 'water_network'],
        scopeStations: ['ww-01', 'wn-02'],
      }),
    );
    expect(s).toContain(
      `AND "kind" = 'wastewater' AND "station" = 'ww-01' AND "rule" = 'p68-bod'` +
        ` AND ("kind" = 'wastewater' OR "kind" = 'water_network') AND ("station" = 'ww-01' OR "station" = 'wn-02')`,
    );
  });

  it('quotes a rule id with quotes and backslashes so it stays one string literal', () => {
    // The rule pattern (one MQTT topic level) admits ' and \: the literal must hold them.
    const s = alertHistoryStatement(q({ rule: "x'OR'1'='1\\" }));
    expect(s).toContain(`"rule" = 'x\\'OR\\'1\\'=\\'1\\\\' ORDER BY`);
  });

  it('refuses input the route should have refused, rather than build a statement from it', () => {
    const bad: Partial<AlertHistoryQuery>[] = [
      { station: "ww' OR 1=1" },
      { station: 'WW-01' },
      { rule: 'a b' },
      { rule: 'a/b' },
      { kind: 'drop_measurement' },
      { scopeKinds: ['nope'] },
      { scopeStations: ["x'"] },
      { scopeStations: [] },
      { scopeKinds: [] },
      { to: FROM },
      { to: FROM + AlertHistoryLimits.maxRangeMs + 1 },
      { from: FROM + 0.5 },
      { cap: 0 },
      { cap: AlertHistoryLimits.pointCap + 1 },
    ];
    for (const over of bad) expect(() => alertHistoryStatement(q(over)), JSON.stringify(over)).toThrow();
    expect(() => alertHistoryStatement(q({ to: FROM + AlertHistoryLimits.maxRangeMs }))).not.toThrow();
  });
});

describe('reading alert points back', () => {
  const columns = ['time', 'kind', 'station', 'rule', 'state', 'value', 'acknowledged_by', 'provisional'];

  it('keeps typed values, drops nulls, and counts rows it cannot use', () => {
    const { points, skipped } = parseAlertPoints({
      results: [
        {
          series: [
            {
              columns,
              values: [
                [1000, 'wastewater', 'ww-01', 'p68-bod', 'acknowledged', 45, 'sari', false],
                [900, 'wastewater', 'ww-01', 'p68-bod', 'raised', 45, null, null],
                [800, 'wastewater', 'ww-01', 'p68-bod', 'exploded', 45, null, null],
                [null, 'wastewater', 'ww-01', 'p68-bod', 'raised', 45, null, null],
                [700, 'wastewater', null, 'p68-bod', 'raised', '45', null, null],
              ],
            },
          ],
        },
      ],
    });
    expect(points).toEqual([
      {
        time: 1000,
        kind: 'wastewater',
        station: 'ww-01',
        rule: 'p68-bod',
        state: 'acknowledged',
        value: 45,
        acknowledged_by: 'sari',
        provisional: false,
      },
      { time: 900, kind: 'wastewater', station: 'ww-01', rule: 'p68-bod', state: 'raised', value: 45 },
    ]);
    expect(skipped).toBe(3);
  });

  it('an empty answer is no points; an InfluxDB error is an error', () => {
    expect(parseAlertPoints({ results: [{}] })).toEqual({ points: [], skipped: 0 });
    expect(() => parseAlertPoints({ results: [{ error: 'database not found' }] })).toThrow(
      'influx: database not found',
    );
  });
});

describe('history cursors', () => {
  it('round-trip, and anything else is not a cursor', () => {
    const c = { t: FROM, id: 'wastewater/ww-01/p68-bod' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const text of ['', 'nope!', Buffer.from('[1]').toString('base64url'), 'x'.repeat(401)])
      expect(decodeCursor(text), text).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1.5,"a"]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"t":1,"id":"a"}').toString('base64url'))).toBeUndefined();
  });
});
