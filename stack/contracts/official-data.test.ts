import { describe, expect, it } from 'vitest';
import { ValidationDesk } from '../../dashboards/qa/validation-desk.ts';
import { dailyMeans } from '../../lib/aggregate/index.ts';
// The ISPU's table code; it moves to lib/ (lib/aggregate/ispu.ts) with the reports: follow it there.
import { subIndex } from '../../lib/aggregate/ispu.ts';
import { withDecisionCodes, withStates } from '../../lib/qa/states.ts';
import { openRecords } from '../../lib/records/database.ts';
import { toDecision } from '../../lib/records/validations.ts';
import { ispuTables } from '../../lib/standards/index.ts';

// Issue 15, "Done when": a validator's decision on a range shows in the data (state validated) and in
// the audit trail (who, when, what, why, the previous state); invalidating a range removes its values
// from the daily mean and the ISPU. The decisions go through the console's own desk (the API and the
// CLI call it), the means through lib/aggregate and the sub-index through the flows' ISPU table code.
const H = 3_600_000;
const DAY0 = Date.parse('2026-12-01T00:00:00+07:00');
const STATION = { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' };
/** PM2.5 every minute of 1 December (WIB): 30 ug/m3, but 150 from 06:00 to 12:00 (a contaminated inlet). */
const points: [number, number, number][] = Array.from({ length: 1440 }, (_, i) => {
  const t = DAY0 + i * 60_000;
  const hour = Math.floor(i / 60);
  return [t, hour >= 6 && hour < 12 ? 150 : 30, 0];
});
const who = (name: string, roles: ('validator' | 'viewer')[]) => ({
  name,
  via: 'token' as const,
  access: { roles, scope: {} },
});

describe('official data: decisions in the data, the audit trail, the daily mean and the ISPU', () => {
  it('validated shows as validated; invalidated hours leave the daily mean and lower the ISPU', async () => {
    const records = openRecords(':memory:');
    let now = DAY0 + 26 * H;
    const desk = new ValidationDesk(records, {
      stations: (id) => (id === STATION.id ? STATION : undefined),
      points: {
        async count(_k, _s, fields, from, to) {
          const n = points.filter(([t]) => t >= from && t < to).length;
          return new Map(fields.map((f) => [f, f === 'pm25' ? n : 0]));
        },
        async read() {
          return { rows: [], truncated: false };
        },
        async codes() {
          return { series: new Map(), truncated: false };
        },
      },
      now: () => now,
    });
    const decisions = () => records.validations.list({ station: STATION.id }).map(toDecision);
    const day = () => {
      const coded = withDecisionCodes(decisions(), STATION.id, 'pm25', points);
      const [mean] = dailyMeans(coded, { intervalS: 60, from: DAY0, to: DAY0 + 24 * H });
      return { mean: mean?.mean, hours: mean?.count, ispu: subIndex(pm25Table(), mean?.mean ?? Number.NaN) };
    };

    // Provisional: every value counts; (18 x 30 + 6 x 150) / 24 = 60, ISPU "Tidak Sehat".
    expect(day()).toMatchObject({ mean: 60, hours: 24, ispu: { category: 'Tidak Sehat' } });

    // A viewer may not validate: refused, nothing recorded.
    const refused = await desk.decide(
      { station: STATION.id, fields: ['pm25'], from: DAY0, to: DAY0 + 24 * H, decision: 'valid' },
      who('vera', ['viewer']),
    );
    expect(refused).toMatchObject({ ok: false, status: 403, code: 'error.forbidden' });
    expect(records.validations.list()).toHaveLength(0);

    const valid = await desk.decide(
      { station: STATION.id, fields: ['pm25'], from: DAY0, to: DAY0 + 24 * H, decision: 'valid' },
      who('vali', ['validator']),
    );
    expect(valid.ok).toBe(true);
    const stated = withStates(
      decisions(),
      STATION.id,
      'pm25',
      points.map(([t, v]) => [t, v]),
      'validated',
    );
    expect(stated).toHaveLength(1440);
    expect(new Set(stated.map((p) => p.state))).toEqual(new Set(['validated']));
    // A valid decision changes no figure.
    expect(day()).toMatchObject({ mean: 60, hours: 24 });

    now += H;
    const invalid = await desk.decide(
      {
        station: STATION.id,
        fields: ['pm25'],
        from: '2026-12-01T06:00',
        to: '2026-12-01T12:00',
        decision: 'invalid',
        reason: 'inlet contaminated by the roadworks',
      },
      who('vali', ['validator']),
    );
    expect(invalid.ok).toBe(true);
    // The data: those six hours invalid (raw shows them marked), the rest still validated.
    const raw = withStates(
      decisions(),
      STATION.id,
      'pm25',
      points.map(([t, v]) => [t, v]),
      'raw',
    );
    expect(raw.filter((p) => p.state === 'invalid')).toHaveLength(360);
    expect(raw.find((p) => p.state === 'invalid')?.reason).toBe('inlet contaminated by the roadworks');
    expect(
      withStates(
        decisions(),
        STATION.id,
        'pm25',
        points.map(([t, v]) => [t, v]),
        'validated',
      ),
    ).toHaveLength(1080);

    // The audit trail: who, when, what, why, and the previous state (validated by decision 1).
    const trail = records.audit.page({ action: 'data_validated' }, 10).entries;
    expect(trail).toHaveLength(2);
    const last = trail.find((e) => e.target.endsWith('/validation/2'));
    expect(last).toMatchObject({
      actor: 'vali',
      via: 'token',
      at: now,
      target: 'air_quality/aq-beji-01/validation/2',
    });
    expect(last?.after).toMatchObject({ decision: 'invalid', reason: 'inlet contaminated by the roadworks' });
    expect(last?.before).toEqual({
      pm25: [
        {
          from: '2026-11-30T23:00:00.000Z',
          to: '2026-12-01T05:00:00.000Z',
          state: 'validated',
          decision: 1,
          by: 'vali',
          at: new Date(DAY0 + 26 * H).toISOString(),
        },
      ],
    });

    // The daily mean is of the 18 hours left (75 % of 24: it still counts), 30; the ISPU falls to "Sedang".
    expect(day()).toMatchObject({ mean: 30, hours: 18, ispu: { category: 'Sedang' } });
    records.close();
  });
});

function pm25Table() {
  const table = ispuTables().get('pm25');
  if (!table) throw new Error('no ISPU table for pm25');
  return table;
}
