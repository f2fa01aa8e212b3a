import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { clearedMessage, formatAmount, formatDuration, valueLine } from './alert-text.ts';
import { formatNotification } from './notify-policy.ts';

describe('alert text', () => {
  it('says durations as people do', () => {
    const cases: [number, string][] = [
      [0, '0 s'],
      [3.5, '3.5 s'],
      [59, '59 s'],
      [60, '1 min'],
      [185, '3 min 5 s'],
      [185.4, '3 min 5 s'],
      [3599.6, '1 h'],
      [7800, '2 h 10 min'],
      [86_400, '1 d'],
      [97_200, '1 d 3 h'],
    ];
    for (const [seconds, text] of cases) expect(formatDuration(seconds), String(seconds)).toBe(text);
  });

  it('shows seconds as a duration and every other unit as a number with its unit', () => {
    expect(formatAmount(185, 's')).toBe('3 min 5 s');
    expect(formatAmount(185, 'ug/m3')).toBe('185 ug/m3');
    expect(formatAmount(6113.25, 'count/100mL')).toBe('6113 count/100mL');
  });

  it('a cleared message names the raised value as such', () => {
    const rule = { id: 'ecoli', parameter: 'e_coli', source: 'local' };
    expect(
      clearedMessage('ww-01', rule, '672 count/100mL, back within 1000 count/100mL', {
        value: 6113,
        unit: 'count/100mL',
      }),
    ).toBe(
      'ww-01: e_coli 672 count/100mL, back within 1000 count/100mL (ecoli; local); 6113 count/100mL when raised',
    );
  });

  it('notifications of a staleness alert say durations, not "185 ug/m3"', () => {
    const stale = { value: 185, limit: 180, unit: 's' };
    expect(valueLine(stale)).toBe('value 3 min 5 s, limit 3 min');
    const alert = {
      id: 'air_quality/aq-01/stale-pm25',
      severity: 'warning',
      message: 'aq-01: pm25 silent for 3 min 5 s (limit 3 min)',
      ...stale,
      raised_at: '2027-01-15T00:00:00.000Z',
      provisional: false,
    } as Alert;
    const { text } = formatNotification({ event: 'raised', alert, at: 0 });
    expect(text).toContain('value 3 min 5 s, limit 3 min');
    expect(text).not.toContain('185');
  });
});
