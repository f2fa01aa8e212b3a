import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../lib/i18n/alert-text.js';
import { translator } from '../../lib/i18n/index.ts';
import type { Alert } from './alert.ts';
import { type AlertSource, type Detail, detail } from './alert-text.ts';
import { formatNotification } from './notify-policy.ts';

const id = translator('id');
const en = translator('en');

/** An alert as the engine makes it, with only what the message needs. */
const worded = (d: Detail, source: AlertSource = 'standard', over: Partial<Alert> = {}) =>
  ({
    station: 'ww-01',
    rule: 'p68-cod',
    parameter: 'cod',
    state: 'raised',
    unit: 'mg/L',
    standard: 'id-ID-permenlhk-p68-2016-domestic-wastewater',
    text: { ...d, source },
    ...over,
  }) as Alert;

describe('alert text', () => {
  // Written out by hand: what an operator reads, in each language, for each thing a rule can say.
  it.each<[string, Detail, string, string]>([
    [
      'above',
      detail.above(120.46, 100, 'mg/L'),
      '120,5 mg/L, di atas 100 mg/L',
      '120.5 mg/L, above 100 mg/L',
    ],
    ['below', detail.below(5.5, 6, 'pH'), '5,5 pH, di bawah 6 pH', '5.5 pH, below 6 pH'],
    [
      'back within',
      detail.backWithin(80, 100, 'mg/L'),
      '80 mg/L, kembali dalam batas 100 mg/L',
      '80 mg/L, back within 100 mg/L',
    ],
    [
      'back within a range',
      detail.backWithinRange(7, 6.5, 8.5, 'pH'),
      '7 pH, kembali dalam rentang 6,5 sampai 8,5 pH',
      '7 pH, back within 6.5 to 8.5 pH',
    ],
    [
      'mean',
      detail.mean('24h', 61.234, 55, 'ug/m3', 0.8333),
      'rerata 24 jam 61,23 µg/m³ terhadap batas 55 µg/m³ (cakupan data 83%)',
      '24 h mean 61.23 µg/m³ against 55 µg/m³ (83% coverage)',
    ],
    [
      'fall',
      detail.change('fall', 1.2, 'bar', 300, 3.4, 2.2),
      'turun 1,2 bar dalam 5 mnt (dari 3,4 ke 2,2 bar)',
      'fell 1.2 bar within 5 min (from 3.4 to 2.2 bar)',
    ],
    ['recovered', detail.recovered(3.1, 'bar'), 'pulih ke 3,1 bar', 'recovered to 3.1 bar'],
    [
      'silent',
      detail.silent(185, 180, true),
      'tidak melapor selama 3 mnt 5 dtk (batas 3 mnt)',
      'silent for 3 min 5 s (limit 3 min)',
    ],
    [
      'silent, never heard',
      detail.silent(7800, 180, false),
      'tidak melapor selama 2 jam 10 mnt sejak mulai dipantau, belum ada data (batas 3 mnt)',
      'silent for 2 h 10 min since watching began, no reading yet (limit 3 min)',
    ],
    [
      'reported again',
      detail.reportedAgain(97_200),
      'melapor lagi setelah 1 hari 3 jam tanpa data',
      'reported again after 1 d 3 h of silence',
    ],
    [
      'ispu',
      detail.ispu(112, 'Tidak Sehat', 'pm25'),
      '112 (Tidak Sehat, dominan pm25)',
      '112 (Tidak Sehat (unhealthy), dominant pm25)',
    ],
  ])('words %s in Indonesian and English', (_name, d, indonesian, english) => {
    const alert = worded(d);
    expect(alertMessage(id, alert)).toBe(`ww-01: cod ${indonesian} (p68-cod; Permen LHK P.68/2016)`);
    expect(alertMessage(en, alert)).toBe(`ww-01: cod ${english} (p68-cod; Permen LHK P.68/2016)`);
  });

  it('names where a limit comes from: the regulation, a local number, a local override', () => {
    const above = detail.above(4, 3, 'NTU');
    const drinking = { standard: 'id-ID-permenkes-2-2023-drinking-water' };
    expect(alertMessage(id, worded(above, 'standard', drinking))).toMatch(/; Permenkes 2\/2023\)$/);
    expect(alertMessage(id, worded(above, 'local', { standard: undefined }))).toMatch(/; batas lokal\)$/);
    expect(alertMessage(en, worded(above, 'override', drinking))).toMatch(
      /; local override of Permenkes 2\/2023\)$/,
    );
    expect(alertMessage(id, worded(detail.silent(200, 180, true), 'catalogue'))).toMatch(
      /; interval laporan di katalog\)$/,
    );
  });

  it('a cleared message names the raised value as such, in the alert unit (durations for staleness)', () => {
    const cleared = worded(detail.backWithin(672, 1000, 'count/100mL'), 'local', {
      state: 'cleared',
      unit: 'count/100mL',
      standard: undefined,
    });
    cleared.text = { ...(cleared.text as NonNullable<Alert['text']>), raised: 6113.25 };
    expect(alertMessage(id, cleared)).toBe(
      'ww-01: cod 672 jumlah/100 mL, kembali dalam batas 1.000 jumlah/100 mL (p68-cod; batas lokal); nilai saat muncul 6.113 jumlah/100 mL',
    );
    expect(alertMessage(en, cleared)).toMatch(/; 6,113 count\/100 mL when raised$/);
  });

  it('an alert without a text it can word keeps the message it came with', () => {
    const foreign = { station: 'x', rule: 'r', message: 'from elsewhere' };
    expect(alertMessage(id, foreign)).toBe('from elsewhere');
    expect(alertMessage(id, { ...foreign, text: { key: 'error.internal', params: {} } })).toBe(
      'from elsewhere',
    );
    expect(alertMessage(id, { ...foreign, text: { key: 'alert.detail.above', params: { v: {} } } })).toBe(
      'from elsewhere',
    );
  });

  it('notifications of a staleness alert say durations and WIB times, in the deployment language', () => {
    const alert = {
      id: 'air_quality/aq-01/stale-pm25',
      severity: 'warning',
      message: 'aq-01: pm25 ...',
      value: 185,
      limit: 180,
      unit: 's',
      raised_at: '2027-01-15T00:00:00.000Z',
      provisional: false,
    } as Alert;
    const event = { event: 'raised', alert, at: 0 } as const;
    const indonesian = formatNotification(event, id);
    expect(indonesian.subject).toBe('[PERINGATAN] AKTIF: air_quality/aq-01/stale-pm25');
    expect(indonesian.text).toBe(
      'aq-01: pm25 ...\nnilai 3 mnt 5 dtk, batas 3 mnt\nmuncul 15 Jan 2027 07.00 WIB',
    );
    const english = formatNotification(event, en).text;
    expect(english).toContain('value 3 min 5 s, limit 3 min');
    expect(english).toContain('raised 15 Jan 2027 07:00 WIB');
    expect(english).not.toContain('185');
  });
});
