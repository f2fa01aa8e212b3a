import { describe, expect, it } from 'vitest';
import { dailyMeans } from '../../lib/aggregate/means.ts';
import type { Point } from '../../lib/aggregate/points.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import { round } from './alert-text.ts';
import { createEngine, type Reading } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

// Issue 16: "no second implementation of a 24-hour mean". The same points go to the alert engine's
// mean and ISPU rules and to lib/aggregate's daily means (what the reports print); at the WIB day's
// end both must give the same number, to the last bit.
const standards = loadStandards();
const H = 3_600_000;
const DAY = Date.parse('2027-01-14T17:00:00Z'); // 2027-01-15 00:00 WIB

/** A seeded day of 1-minute PM2.5: hours 3, 4 and 11 missing, hour 7 with 30 readings, some flagged. */
function day(seed: number): { points: Point[]; readings: Reading[] } {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const points: Point[] = [];
  const readings: Reading[] = [];
  for (let m = 0; m < 24 * 60; m++) {
    const hour = Math.floor(m / 60);
    if (hour === 3 || hour === 4 || hour === 11 || (hour === 7 && m % 2 === 1)) continue;
    const ts = DAY + m * 60_000;
    const value = Math.round((20 + 60 * rand()) * 100) / 100;
    const flagged = rand() < 0.03;
    points.push([ts, value, flagged ? 4 : 0]);
    readings.push({
      kind: 'air_quality',
      station: 'aq-01',
      ts,
      values: { pm25: value },
      validity: { pm25: flagged ? 4 : 0 },
    });
  }
  return { points, readings };
}

const meanRule = (max: number) => ({
  rules: [{ id: 'pm25-24h', type: 'mean', kind: 'air_quality', field: 'pm25', averaging: '24h', max }],
});
const engineWith = (rules: unknown) =>
  createEngine({
    rules: buildRuleSet(parseRulesFile(rules), parseOverrides({}), standards),
    escalateAfterMs: 0,
  });

describe('the 24 h mean: alert rules and reports are one computation', () => {
  for (const seed of [1, 7, 42]) {
    it(`the mean rule at the day's last reading equals the report's daily mean (seed ${seed})`, () => {
      const { points, readings } = day(seed);
      // The day's readings into a rule that never raises, then its state into one that raises on any
      // mean, and the day's last reading: the raised value is the rule's 24 h mean at the day's end.
      const quiet = engineWith(meanRule(1e12));
      for (const r of readings.slice(0, -1)) quiet.onReading(r, r.ts);
      const last = readings[readings.length - 1] as Reading;
      const loud = engineWith(meanRule(-1));
      loud.restore(JSON.parse(JSON.stringify(quiet.snapshot())), last.ts);
      const raised = loud.onReading(last, last.ts).events[0];
      expect(raised?.event).toBe('raised');

      const range = { intervalS: 60, from: DAY, to: DAY + 24 * H };
      const asRule = dailyMeans(points, { ...range, minHourCoverage: 0 })[0];
      expect(asRule?.count).toBe(21);
      // An alert carries its value rounded for people (alert-text.ts `round`).
      expect(raised?.alert.value).toBe(round(asRule?.mean as number));
      // The default (an hour needs 45 of its 60 readings) leaves hour 7 out: 20 hours, another mean.
      const strict = dailyMeans(points, range)[0];
      expect(strict?.count).toBe(20);
      expect(round(strict?.mean as number)).not.toBe(raised?.alert.value);
    });
  }

  it('the ISPU rule publishes at 00:00 WIB the sub-index of the same daily mean', () => {
    const { points, readings } = day(3);
    const e = engineWith({
      rules: [{ id: 'ispu', type: 'ispu', kind: 'air_quality', pollutants: { pm25: { averaging: '24h' } } }],
    });
    let published: { values: { pm25: number }; ts: number } | undefined;
    const next = { ...(readings[0] as Reading), ts: DAY + 24 * H + 60_000 };
    for (const r of [...readings, next]) {
      for (const m of e.onReading(r, r.ts).mqtt) {
        const body = JSON.parse(m.payload);
        if (body.kind === 'ispu' && body.ts === DAY + 24 * H) published = body;
      }
    }
    const mean = dailyMeans(points, { intervalS: 60, from: DAY, to: DAY + 24 * H, minHourCoverage: 0 })[0]
      ?.mean;
    expect(mean).toBeGreaterThan(0);
    const pm25 = standards.standards
      .find((s) => s.id === 'id-ID-ispu-2020')
      ?.pollutants.find((p) => p.parameter === 'pm25');
    const m = mean as number;
    const bp = pm25?.breakpoints?.find((b) => m > b.conc_lo && m <= b.conc_hi);
    if (!bp) throw new Error(`no PM2.5 band holds ${m}`);
    expect(published?.values.pm25).toBeGreaterThan(0);
    // Recomputed by hand from the band rather than with lib/aggregate/ispu.ts, so the check is not circular.
    const exact = ((bp.index_hi - bp.index_lo) / (bp.conc_hi - bp.conc_lo)) * (m - bp.conc_lo) + bp.index_lo;
    expect(published?.values.pm25).toBe(Math.ceil(exact - 1e-9));
  });
});
