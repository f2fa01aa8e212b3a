import { describe, expect, it } from 'vitest';
import { airQualityProfile } from '../lib/catalogue/kinds/air-quality/profile.ts';
import { wastewaterProfile } from '../lib/catalogue/kinds/wastewater/profile.ts';
import { localHour, localWeekday } from '../lib/catalogue/simulation/model.ts';
import { recentRain } from '../lib/catalogue/simulation/weather.ts';
import { simulateFleet } from './core/stream.ts';
import { loadStations, type SimStation } from './stations/load.ts';

const stations = loadStations();
const station = (id: string) => stations.find((s) => s.id === id) as SimStation;
// Monday 2 November 2026, 00:00 WIB; four weeks at 15-minute steps.
const start = Date.parse('2026-11-02T00:00:00+07:00');
const run = (ids: string[], hours = 28 * 24) =>
  simulateFleet(ids.map(station), { seed: 11, start, stepMs: 15 * 60_000 }, hours);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function corr(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return num / Math.sqrt(da * db);
}
const field = (msgs: { values: Record<string, number> }[], name: string) =>
  msgs.map((m) => m.values[name] ?? 0);
const between = (ts: number, from: number, to: number) => localHour(ts) >= from && localHour(ts) < to;

describe('air quality model', () => {
  const msgs = run(['aq-margonda-01']);
  const weekday = msgs.filter((m) => ![0, 6].includes(localWeekday(m.trueTs)));
  const sunday = msgs.filter((m) => localWeekday(m.trueTs) === 0);
  const pm25 = (list: typeof msgs, from: number, to: number) =>
    mean(
      field(
        list.filter((m) => between(m.trueTs, from, to)),
        'pm25',
      ),
    );

  it('has a morning and an evening traffic peak above the night', () => {
    const night = pm25(weekday, 2, 4);
    expect(pm25(weekday, 6.5, 8.5)).toBeGreaterThan(1.5 * night);
    expect(pm25(weekday, 17, 19)).toBeGreaterThan(1.5 * night);
    expect(pm25(weekday, 10, 11)).toBeLessThan(pm25(weekday, 6.5, 8.5));
  });

  it('carries less traffic pollution on Sunday mornings', () => {
    expect(pm25(sunday, 6.5, 8.5)).toBeLessThan(0.85 * pm25(weekday, 6.5, 8.5));
    expect(
      mean(
        field(
          sunday.filter((m) => between(m.trueTs, 6.5, 8.5)),
          'no2',
        ),
      ),
    ).toBeLessThan(
      0.85 *
        mean(
          field(
            weekday.filter((m) => between(m.trueTs, 6.5, 8.5)),
            'no2',
          ),
        ),
    );
  });

  it('washes particles out with rain, far more than gases', () => {
    const ts = Date.parse('2026-11-03T08:00:00+07:00');
    const fixed = () => 0.5;
    const dry = airQualityProfile(station('aq-margonda-01'), ts, fixed, { seed: 11 });
    const wet = airQualityProfile(station('aq-margonda-01'), ts, fixed, {
      seed: 11,
      drivers: { recent_rain_mm: 20 },
    });
    expect(wet.pm25 ?? 0).toBeLessThan(0.5 * (dry.pm25 ?? 0));
    expect(wet.pm10 ?? 0).toBeLessThan(0.5 * (dry.pm10 ?? 0));
    expect((wet.no2 ?? 0) / (dry.no2 ?? 1)).toBeGreaterThan(0.6);
    // The city's own storms do it too: weekday readings after rain are cleaner than dry ones at that hour.
    const hourOf = (m: (typeof msgs)[number]) => Math.floor(localHour(m.trueTs));
    const afterRain = weekday.filter((m) => recentRain(m.trueTs, 11) > 8);
    const dryOnes = weekday.filter((m) => recentRain(m.trueTs, 11) < 0.1);
    expect(afterRain.length).toBeGreaterThan(10);
    const ratios = afterRain.map(
      (m) =>
        (m.values.pm25 ?? 0) /
        mean(
          field(
            dryOnes.filter((d) => hourOf(d) === hourOf(m)),
            'pm25',
          ),
        ),
    );
    expect(mean(ratios)).toBeLessThan(0.7);
  });

  it('moves PM2.5, PM10 and the traffic gases together', () => {
    const p = field(msgs, 'pm25');
    expect(corr(p, field(msgs, 'pm10'))).toBeGreaterThan(0.8);
    expect(corr(p, field(msgs, 'no2'))).toBeGreaterThan(0.6);
    expect(corr(p, field(msgs, 'co'))).toBeGreaterThan(0.6);
    expect(corr(field(msgs, 'no2'), field(msgs, 'co'))).toBeGreaterThan(0.8);
  });
});

describe('wastewater model', () => {
  const msgs = run(['ww-ipal-suncen'], 7 * 24);
  it('follows the influent: a daily load with a night minimum', () => {
    const flowAt = (from: number, to: number) =>
      mean(
        field(
          msgs.filter((m) => between(m.trueTs, from, to)),
          'flow',
        ),
      );
    // The outfall lags the 06:30 influent peak by ~2 h.
    expect(flowAt(8, 9.5)).toBeGreaterThan(2 * flowAt(4, 5.5));
  });

  it('treats to ~90 % with effluent COD/BOD near 3, falling toward raw sewage when treatment fails', () => {
    const bod = field(msgs, 'bod');
    const ratio = msgs.map((m) => (m.values.cod ?? 0) / (m.values.bod ?? 1));
    expect(mean(bod)).toBeLessThan(30);
    expect(mean(ratio)).toBeGreaterThan(2.4);
    expect(mean(ratio)).toBeLessThan(4.5);
    const ts = Date.parse('2026-11-03T09:00:00+07:00');
    const failed = wastewaterProfile(station('ww-ipal-suncen'), ts, () => 0.5, {
      drivers: { treatment_loss: 1 },
    });
    expect(failed.bod ?? 0).toBeGreaterThan(150);
    expect((failed.cod ?? 0) / (failed.bod ?? 1)).toBeLessThan(2.4);
  });
});

describe('water network model', () => {
  const msgs = run(['wn-beji-01'], 7 * 24);
  it('lowers pressure as demand rises', () => {
    expect(corr(field(msgs, 'flow'), field(msgs, 'pressure'))).toBeLessThan(-0.8);
  });

  it('keeps a night minimum flow (background leakage) well under the peak', () => {
    const night = field(
      msgs.filter((m) => between(m.trueTs, 2, 4)),
      'flow',
    );
    const peak = field(
      msgs.filter((m) => between(m.trueTs, 5, 6)),
      'flow',
    );
    expect(mean(night)).toBeLessThan(0.5 * mean(peak));
    expect(Math.min(...night)).toBeGreaterThan(0);
  });

  it('decays chlorine with distance from the treatment plant, and at night when water is slow', () => {
    const nodes = stations.filter((s) => s.kind === 'water_network');
    const all = run(
      nodes.map((s) => s.id),
      48,
    );
    const byNode = nodes.map((s) =>
      mean(
        field(
          all.filter((m) => m.station.id === s.id),
          'free_chlorine',
        ),
      ),
    );
    expect(
      corr(
        nodes.map((s) => s.distanceKm),
        byNode,
      ),
    ).toBeLessThan(-0.95);
    const far = all.filter((m) => m.station.id === 'wn-cinere-01');
    expect(
      mean(
        field(
          far.filter((m) => between(m.trueTs, 2, 4)),
          'free_chlorine',
        ),
      ),
    ).toBeLessThan(
      mean(
        field(
          far.filter((m) => between(m.trueTs, 18, 19)),
          'free_chlorine',
        ),
      ),
    );
  });
});
