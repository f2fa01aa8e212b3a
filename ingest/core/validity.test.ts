import { describe, expect, it } from 'vitest';
import { loadStandards } from '../../lib/standards/index.ts';
import { ValidityCodes as C } from '../../lib/validity/codes.ts';
import { clockRule } from '../../lib/validity/rules.ts';
import type { Reading } from './reading.ts';
import { createValidityStage, type ValidityOptions } from './validity.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-04T00:00:00Z');
const options: ValidityOptions = { clock: clockRule(2 * MIN, 0), standards: loadStandards() };
const reading = (
  station: string,
  minutes: number,
  values: Record<string, number>,
  kind = 'air_quality',
): Reading => ({
  kind,
  station,
  ts: T0 + minutes * MIN,
  values,
  tags: {},
});

describe('the ingest validity stage', () => {
  it('codes every value of a reading, by the field rules of its kind', () => {
    const stage = createValidityStage(options);
    const r = reading('aq-1', 0, { pm25: 20, humidity: 0, pressure: 1100, co: 60_000 });
    stage.assign(r, r.ts);
    expect(r.validity).toEqual({ pm25: 0, humidity: C.impossible, pressure: C.atSpan, co: C.aboveCeiling });
  });

  it('keeps state per station and field: one station stuck, another not', () => {
    const stage = createValidityStage(options);
    const last: Record<string, Record<string, number> | undefined> = {};
    for (let m = 0; m < 30; m++) {
      for (const [station, pm25] of [
        ['aq-stuck', 12.5],
        ['aq-fine', 12.5 + (m % 2)],
      ] as const) {
        const r = reading(station, m, { pm25, pm10: 20 + (m % 3) });
        stage.assign(r, r.ts);
        last[station] = r.validity;
      }
    }
    expect(last['aq-stuck']).toEqual({ pm25: C.flatLine, pm10: 0 });
    expect(last['aq-fine']).toEqual({ pm25: 0, pm10: 0 });
    expect(stage.stations()).toBe(2);
  });

  it('uses the arrival time it is given for the clock check', () => {
    const stage = createValidityStage(options);
    const r = reading('wn-1', 10, { pressure: 2 }, 'water_network');
    stage.assign(r, r.ts - 3 * MIN);
    expect(r.validity).toEqual({ pressure: C.clockSkew });
  });

  it('asks the maintenance hook per station, field and device time', () => {
    const asked: [string, string, number][] = [];
    const stage = createValidityStage({
      ...options,
      inMaintenance: (station, field, ts) => {
        asked.push([station, field, ts]);
        return field === 'ph';
      },
    });
    const r = reading('ww-1', 5, { ph: 7.1, cod: 80 }, 'wastewater');
    stage.assign(r, r.ts);
    expect(r.validity).toEqual({ ph: C.maintenance, cod: 0 });
    expect(asked).toEqual([
      ['ww-1', 'ph', r.ts],
      ['ww-1', 'cod', r.ts],
    ]);
  });

  it('bounds its memory: past maxStations the station seen first is forgotten', () => {
    const stage = createValidityStage({ ...options, maxStations: 2 });
    const send = (station: string, minutes: number) => {
      const r = reading(station, minutes, { pm25: 10 });
      stage.assign(r, r.ts);
      return r.validity?.pm25;
    };
    send('a', 10);
    send('b', 10);
    send('c', 10);
    expect(stage.stations()).toBe(2);
    // 'a' was forgotten: an older reading is not out of sequence any more; 'c' remembers.
    expect(send('a', 5)).toBe(0);
    expect(send('c', 5)).toBe(C.outOfSequence);
  });

  it('starts afresh when a station id shows up under another kind (possible without a registry)', () => {
    const stage = createValidityStage(options);
    const first = reading('x-1', 10, { temperature: 25 });
    stage.assign(first, first.ts);
    const other = reading('x-1', 5, { temperature: 25 }, 'wastewater');
    stage.assign(other, other.ts);
    expect(other.validity).toEqual({ temperature: 0 });
  });

  it('leaves a reading of a kind it does not know alone', () => {
    const stage = createValidityStage(options);
    const r = reading('x', 0, { a: 1 }, 'no_such_kind');
    stage.assign(r, r.ts);
    expect(r.validity).toBeUndefined();
  });
});
