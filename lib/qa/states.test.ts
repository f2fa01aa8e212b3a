import { describe, expect, it } from 'vitest';
import { type Decision, stateAt, stateIndex, timeline, withStates } from './states.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00+07:00');
let nextId = 1;
const decide = (over: Partial<Decision> & Pick<Decision, 'from' | 'to' | 'decision'>): Decision => ({
  id: nextId++,
  station: 'aq-beji-01',
  fields: ['pm25', 'pm10'],
  by: 'vali',
  at: T0 + 48 * H,
  ...over,
});

describe('the state of a value from the decisions', () => {
  const first = decide({ from: T0, to: T0 + 24 * H, decision: 'valid' });
  // A revision: 06:00-09:00 was a blocked inlet after all.
  const revision = decide({ from: T0 + 6 * H, to: T0 + 9 * H, decision: 'invalid', reason: 'inlet blocked' });
  const other = decide({
    station: 'aq-cimanggis-01',
    from: T0,
    to: T0 + 24 * H,
    decision: 'invalid',
    reason: 'x',
  });
  const so2 = decide({
    fields: ['so2'],
    from: T0,
    to: T0 + 24 * H,
    decision: 'invalid',
    reason: 'span drift',
  });
  const decisions = [first, revision, other, so2];

  it('provisional until a decision holds the value; ranges are [from, to)', () => {
    expect(stateAt(decisions, 'aq-beji-01', 'pm25', T0 - 1)).toEqual({ state: 'provisional' });
    expect(stateAt(decisions, 'aq-beji-01', 'pm25', T0)).toMatchObject({
      state: 'validated',
      decision: first.id,
    });
    expect(stateAt(decisions, 'aq-beji-01', 'pm25', T0 + 24 * H)).toEqual({ state: 'provisional' });
    expect(stateAt(decisions, 'aq-beji-01', 'o3', T0 + H)).toEqual({ state: 'provisional' });
  });

  it('a newer overlapping decision supersedes the older one only inside its range', () => {
    expect(stateAt(decisions, 'aq-beji-01', 'pm10', T0 + 6 * H)).toEqual({
      state: 'invalid',
      decision: revision.id,
      by: 'vali',
      at: revision.at,
      reason: 'inlet blocked',
    });
    expect(stateAt(decisions, 'aq-beji-01', 'pm10', T0 + 9 * H)).toMatchObject({ state: 'validated' });
    expect(stateAt(decisions, 'aq-beji-01', 'so2', T0 + 9 * H)).toMatchObject({
      state: 'invalid',
      reason: 'span drift',
    });
    // Order of the list does not matter: the newest record wins.
    expect(stateAt([...decisions].reverse(), 'aq-beji-01', 'pm10', T0 + 7 * H)).toMatchObject({
      state: 'invalid',
    });
    // Revalidating the same range again turns it back.
    const again = decide({ from: T0 + 5 * H, to: T0 + 8 * H, decision: 'valid' });
    expect(stateAt([...decisions, again], 'aq-beji-01', 'pm10', T0 + 7 * H)).toMatchObject({
      state: 'validated',
      decision: again.id,
    });
    expect(stateAt([...decisions, again], 'aq-beji-01', 'pm10', T0 + 8 * H)).toMatchObject({
      state: 'invalid',
    });
  });

  it('a timeline is what a new decision supersedes, segment by segment', () => {
    const segments = timeline(decisions, 'aq-beji-01', 'pm25', T0 - 2 * H, T0 + 10 * H);
    expect(segments.map((s) => [(s.from - T0) / H, (s.to - T0) / H, s.state.state])).toEqual([
      [-2, 0, 'provisional'],
      [0, 6, 'validated'],
      [6, 9, 'invalid'],
      [9, 10, 'validated'],
    ]);
    expect(timeline([], 'aq-beji-01', 'pm25', T0, T0 + H)).toEqual([
      { from: T0, to: T0 + H, state: { state: 'provisional' } },
    ]);
  });

  it('the index gives what stateAt gives, for every minute of a day and beyond its span', () => {
    const lookup = stateIndex(decisions, 'aq-beji-01', 'pm25', T0, T0 + 24 * H);
    for (let t = T0 - 2 * H; t < T0 + 26 * H; t += 60_000)
      expect(lookup(t)).toEqual(stateAt(decisions, 'aq-beji-01', 'pm25', t));
  });

  it('filters points: raw keeps all (invalid marked), provisional and validated only theirs', () => {
    const points: [number, number][] = [
      [T0 - H, 10],
      [T0 + H, 11],
      [T0 + 7 * H, 900],
      [T0 + 10 * H, 12],
    ];
    const raw = withStates(decisions, 'aq-beji-01', 'pm25', points, 'raw');
    expect(raw.map((p) => [p.value, p.state, p.reason])).toEqual([
      [10, 'provisional', undefined],
      [11, 'validated', undefined],
      [900, 'invalid', 'inlet blocked'],
      [12, 'validated', undefined],
    ]);
    expect(withStates(decisions, 'aq-beji-01', 'pm25', points, 'validated').map((p) => p.value)).toEqual([
      11, 12,
    ]);
    expect(withStates(decisions, 'aq-beji-01', 'pm25', points, 'provisional').map((p) => p.value)).toEqual([
      10,
    ]);
    expect(withStates(decisions, 'aq-beji-01', 'pm25', [], 'raw')).toEqual([]);
  });
});
