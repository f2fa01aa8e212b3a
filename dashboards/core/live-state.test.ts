import { describe, expect, it } from 'vitest';
import { isStale, LiveState } from './live-state.ts';

const NOW = 1_800_000_000_000;
const reading = (kind: string, station: string, ts: number, values: Record<string, number>) =>
  JSON.stringify({ kind, station, ts, values, tags: { district: 'beji', operator: 'DLHK' } });
const alert = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'x',
    kind: 'air_quality',
    station: 'aq-1',
    rule: 'pm25-24h',
    rule_type: 'threshold',
    parameter: 'pm25',
    state: 'raised',
    severity: 'critical',
    message: 'PM2.5 above limit',
    value: 80,
    limit: 55,
    unit: 'ug/m3',
    provisional: false,
    raised_at: NOW - 1000,
    ...over,
  });

describe('LiveState', () => {
  it('starts from the registry and merges readings, status and tags', () => {
    const s = new LiveState([{ id: 'aq-1', kind: 'air_quality', district: 'beji' }]);
    expect(s.stations(NOW)[0]).toMatchObject({
      id: 'aq-1',
      registered: true,
      status: 'unknown',
      stale: true,
    });
    s.apply(
      'readings/air_quality/aq-1',
      reading('air_quality', 'aq-1', NOW - 5000, { pm25: 12, pm10: 30 }),
      NOW,
    );
    s.apply('readings/air_quality/aq-1', reading('air_quality', 'aq-1', NOW - 1000, { pm25: 14 }), NOW);
    const change = s.apply('sensors/air_quality/aq-1/status', 'online', NOW);
    expect(change).toMatchObject({
      type: 'station',
      station: { status: 'online', values: { pm25: 14, pm10: 30 } },
    });
    expect(s.summary(NOW)).toMatchObject({ stations: 1, online: 1, stale: 0 });
  });

  it('marks a station stale after 3x the kind expected interval', () => {
    const base = {
      id: 'ww-1',
      kind: 'wastewater',
      registered: true,
      status: 'online',
      values: {},
      rejected: 0,
    };
    expect(isStale({ ...base, status: 'online', last_ts: NOW - 899_000 }, NOW)).toBe(false);
    expect(isStale({ ...base, status: 'online', last_ts: NOW - 901_000 }, NOW)).toBe(true);
  });

  it('ignores bad topics and payloads instead of showing them', () => {
    const s = new LiveState();
    expect(
      s.apply('readings/air_quality/<script>', reading('air_quality', 'x', NOW, { pm25: 1 }), NOW),
    ).toBeUndefined();
    expect(
      s.apply('readings/unknown_kind/aq-1', reading('x', 'aq-1', NOW, { pm25: 1 }), NOW),
    ).toBeUndefined();
    expect(s.apply('readings/air_quality/aq-1', '{not json', NOW)).toBeUndefined();
    expect(s.apply('readings/air_quality/aq-1', '{"ts":1,"values":{"pm25":"1"}}', NOW)).toBeUndefined();
    expect(s.apply('sensors/air_quality/aq-1/status', 'maybe', NOW)).toBeUndefined();
    expect(s.apply('alerts/air_quality/aq-1/r1', '{"state":"raised"}', NOW)).toBeUndefined();
    expect(s.stations(NOW)).toEqual([]);
  });

  it('keeps alerts by topic identity, orders active before cleared and removes on empty payload', () => {
    const s = new LiveState();
    s.apply('alerts/air_quality/aq-1/pm25-24h', alert({ id: 'spoofed', station: 'other' }), NOW);
    s.apply('alerts/air_quality/aq-2/o3-1h', alert({ raised_at: NOW, severity: 'warning' }), NOW);
    expect(s.alerts().map((a) => a.id)).toEqual(['air_quality/aq-2/o3-1h', 'air_quality/aq-1/pm25-24h']);
    expect(s.alert('air_quality/aq-1/pm25-24h')?.station).toBe('aq-1');
    expect(s.summary(NOW).alerts).toEqual({ critical: 1, warning: 1 });

    s.apply('alerts/air_quality/aq-2/o3-1h', alert({ state: 'cleared', cleared_at: NOW }), NOW);
    expect(s.apply('alerts/air_quality/aq-2/o3-1h', '', NOW)).toBeUndefined();
    expect(s.alerts().map((a) => a.state)).toEqual(['raised', 'cleared']);
    expect(s.apply('alerts/air_quality/aq-1/pm25-24h', '', NOW)).toEqual({
      type: 'alert_removed',
      id: 'air_quality/aq-1/pm25-24h',
    });
    // Ack requests share the alerts/# tree but are not alerts.
    expect(s.apply('alerts/air_quality/aq-1/pm25-24h/ack', '{"by":"x"}', NOW)).toBeUndefined();
  });

  it('keeps the latest ISPU per station and counts dead letters', () => {
    const s = new LiveState();
    const ispu = (ts: number, value: number) =>
      JSON.stringify({ station: 'aq-1', ts, ispu: value, category: 'Sedang', dominant: 'pm25' });
    s.apply('readings/ispu/aq-1', ispu(NOW, 75), NOW);
    expect(s.apply('readings/ispu/aq-1', ispu(NOW - 1, 20), NOW)).toBeUndefined();
    expect(
      s.apply('readings/ispu/aq-1', '{"station":"aq-1","ts":1,"ispu":3,"category":"Great"}', NOW),
    ).toBeUndefined();
    expect(s.ispu()).toMatchObject([{ station: 'aq-1', ispu: 75 }]);
    // The flows' shape: a normalized reading with values.ispu and the sub-indices.
    const flows = {
      kind: 'ispu',
      station: 'aq-1',
      ts: NOW + 1,
      values: { ispu: 130, pm25: 130, o3: 40 },
      category: 'Tidak Sehat',
      dominant: 'pm25',
      averaging: { pm25: '24h' },
    };
    expect(s.apply('readings/ispu/aq-1', JSON.stringify(flows), NOW)).toEqual({
      type: 'ispu',
      ispu: { station: 'aq-1', ts: NOW + 1, ispu: 130, category: 'Tidak Sehat', dominant: 'pm25' },
    });
    s.applyRejected('ingest/rejected/air_quality/aq-1', '{"reason":"out_of_range"}', NOW);
    expect(s.station('aq-1', NOW)).toMatchObject({
      rejected: 1,
      last_reject_reason: 'out_of_range',
      registered: false,
    });
  });

  it('a revoked device is not a station: not listed, not counted, whatever MQTT still says', () => {
    const s = new LiveState([
      { id: 'aq-1', kind: 'air_quality' },
      { id: 'aq-old', kind: 'air_quality', revoked: true },
    ]);
    // The broker's retained status and a late reading or ISPU of the revoked device change nothing.
    expect(s.apply('sensors/air_quality/aq-old/status', 'offline', NOW)).toBeUndefined();
    expect(
      s.apply('readings/air_quality/aq-old', reading('air_quality', 'aq-old', NOW, { pm25: 9 }), NOW),
    ).toBeUndefined();
    const ispu = JSON.stringify({ station: 'aq-old', ts: NOW, ispu: 40, category: 'Baik' });
    expect(s.apply('readings/ispu/aq-old', ispu, NOW)).toBeUndefined();
    expect(s.applyRejected('ingest/rejected/air_quality/aq-old', '{"reason":"x"}', NOW)).toBeUndefined();
    // The retained status of a device no longer in the file at all is a leftover too.
    expect(s.apply('sensors/air_quality/aq-gone/status', 'offline', NOW)).toBeUndefined();
    expect(s.stations(NOW).map((x) => x.id)).toEqual(['aq-1']);
    expect(s.summary(NOW)).toMatchObject({ stations: 1, stale: 1, ispu: [] });
  });

  it('follows the registry: revoked and removed stations leave, provisioned ones are listed at once', () => {
    const s = new LiveState([
      { id: 'aq-1', kind: 'air_quality' },
      { id: 'aq-2', kind: 'air_quality' },
      { id: 'ww-1', kind: 'wastewater' },
    ]);
    s.apply('readings/air_quality/aq-1', reading('air_quality', 'aq-1', NOW, { pm25: 12 }), NOW);
    s.apply(
      'readings/ispu/aq-2',
      JSON.stringify({ station: 'aq-2', ts: NOW, ispu: 40, category: 'Baik' }),
      NOW,
    );
    const changes = s.setRegistry(
      [
        { id: 'aq-1', kind: 'air_quality' },
        { id: 'aq-2', kind: 'air_quality', revoked: true },
        { id: 'aq-3', kind: 'air_quality', district: 'beji' },
      ],
      NOW,
    );
    expect(changes).toEqual([
      { type: 'station_removed', id: 'aq-2', kind: 'air_quality', operator: undefined },
      { type: 'station_removed', id: 'ww-1', kind: 'wastewater', operator: undefined },
      { type: 'station', station: expect.objectContaining({ id: 'aq-3', registered: true, stale: true }) },
    ]);
    expect(s.stations(NOW).map((x) => x.id)).toEqual(['aq-1', 'aq-3']);
    expect(s.station('aq-1', NOW)?.values).toEqual({ pm25: 12 });
    expect(s.ispu()).toEqual([]);
    expect(s.summary(NOW)).toMatchObject({ stations: 2, stale: 1 });
  });
});
