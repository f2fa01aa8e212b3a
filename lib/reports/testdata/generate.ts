/**
 * Writes the golden month (January 2027, WIB) of three test stations into this folder: one
 * `<station>.csv` of readings each, and `fixture.json` (stations, maintenance windows, decisions).
 * Deterministic (a fixed seed): `node lib/reports/testdata/generate.ts` rewrites the same bytes.
 *
 * Readings CSV: `minute,<field>...`, minute = minutes since 2027-01-01 00:00 WIB; a cell is a value, a
 * value and its validity code (`412.5|3`: flagged by the ingest), or empty (no value).
 */
import { writeFileSync } from 'node:fs';

const HERE = new URL('./', import.meta.url);
export const MONTH_START = Date.UTC(2027, 0, 1) - 7 * 3_600_000;
const DAYS = 31;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20270101);
const noise = (amp: number) => (rand() * 2 - 1) * amp;
const r2 = (v: number) => Math.round(v * 100) / 100;

/** Local (WIB) day of month 1..31 and hour 0..23 plus fraction, of a minute offset. */
const at = (minute: number) => ({ day: Math.floor(minute / 1440) + 1, hour: (minute % 1440) / 60 });
const between = (minute: number, day: number, fromH: number, toH: number) => {
  const t = at(minute);
  return t.day === day && t.hour >= fromH && t.hour < toH;
};

type Gen = (minute: number) => Record<string, number | undefined>;

function station(file: string, stepMin: number, fields: string[], gen: Gen, gap: (minute: number) => boolean) {
  const lines = [`minute,${fields.join(',')}`];
  for (let m = 0; m < DAYS * 1440; m += stepMin) {
    if (gap(m) || rand() < 0.02) continue; // outages, and 2 % random dropouts
    const v = gen(m);
    const cells = fields.map((f) => {
      const x = v[f];
      if (x === undefined) return '';
      // 0.5 % spikes the ingest flagged (code 3): a value that must never count.
      return rand() < 0.005 ? `${r2(x * 6)}|3` : String(r2(x));
    });
    lines.push(`${m},${cells.join(',')}`);
  }
  writeFileSync(new URL(file, HERE), `${lines.join('\n')}\n`);
}

const diurnal = (minute: number, peakH: number) => Math.cos(((at(minute).hour - peakH) / 24) * 2 * Math.PI);

// Air: PM2.5 above the 24 h limit (55) on 8-10 Jan, NO2 above its 1 h limit (200) 12 Jan 17-20 WIB,
// CO above its 8 h limit (4000) 19 Jan 06-15 WIB; out on 5 Jan 06-14 (the day fails the 75 % rule) and
// all of 22 Jan; maintenance 20 Jan 08-12 WIB with values still stored.
station(
  'aq-t1.csv',
  10,
  ['pm25', 'pm10', 'no2', 'co', 'o3'],
  (m) => {
    const { day } = at(m);
    const episode = day >= 8 && day <= 10 ? 45 : 0;
    const pm25 = 28 + episode + 10 * diurnal(m, 8) + noise(6);
    return {
      pm25,
      pm10: pm25 * 1.6 + noise(5),
      no2: between(m, 12, 17, 20) ? 230 + noise(15) : 40 + 15 * diurnal(m, 18) + noise(6),
      co: between(m, 19, 6, 15) ? 5200 + noise(300) : 1200 + 400 * diurnal(m, 7) + noise(150),
      o3: 45 + 30 * diurnal(m, 13) + noise(8),
    };
  },
  (m) => between(m, 5, 6, 14) || at(m).day === 22,
);

// Wastewater: BOD above 30 on 14 Jan 10-16 WIB and 27 Jan 08-09, pH below 6 on 18 Jan 03-05; out all
// of 3 Jan; calibration of pH on 10 Jan 09-11 WIB.
station(
  'ww-t1.csv',
  15,
  ['ph', 'bod', 'cod', 'tss', 'flow'],
  (m) => {
    const bodHigh = between(m, 14, 10, 16) || between(m, 27, 8, 9);
    return {
      ph: between(m, 18, 3, 5) ? 5.6 + noise(0.2) : 7.2 + noise(0.4),
      bod: bodHigh ? 42 + noise(5) : 18 + noise(5),
      cod: bodHigh ? 95 + noise(8) : 55 + noise(10),
      tss: 20 + noise(6),
      flow: 5 + 3 * diurnal(m, 10) + noise(0.5),
    };
  },
  (m) => at(m).day === 3,
);

// Water node: pressure under 0.7 bar on 16 Jan 09-13 WIB (a burst), above 8.1 bar on 29 Jan 02-03;
// night flow 3 L/s rising to 4.5 from 20 Jan (a new leak); free chlorine under 0.2 on 7 Jan 00-08;
// out on 11 Jan 00-12; maintenance 25 Jan 13-15 WIB.
station(
  'wn-t1.csv',
  10,
  ['pressure', 'flow', 'free_chlorine'],
  (m) => {
    const { day, hour } = at(m);
    const base = day >= 20 ? 4.5 : 3;
    const demand = hour >= 1 && hour < 5 ? 0 : 12 + 8 * diurnal(m, 19);
    return {
      pressure: between(m, 16, 9, 13) ? 0.4 + noise(0.1) : between(m, 29, 2, 3) ? 8.4 : 2.4 - demand / 30 + noise(0.15),
      flow: base + demand + noise(0.3),
      free_chlorine: between(m, 7, 0, 8) ? 0.15 + noise(0.02) : 0.33 + noise(0.08),
    };
  },
  (m) => between(m, 11, 0, 12),
);

const wib = (day: number, hour: number) => MONTH_START + ((day - 1) * 24 + hour) * 3_600_000;
const fixture = {
  $comment: 'Written by generate.ts; times in epoch ms (WIB days of January 2027).',
  stations: [
    { id: 'aq-t1', name: 'Stasiun Uji Pancoran Mas', kind: 'air_quality', district: 'Pancoran Mas', intervalS: 600 },
    { id: 'ww-t1', name: 'IPAL Uji Cimanggis', kind: 'wastewater', district: 'Cimanggis', intervalS: 900 },
    { id: 'wn-t1', name: 'Simpul Uji Beji', kind: 'water_network', district: 'Beji', intervalS: 600 },
  ],
  windows: [
    { id: 1, station: 'aq-t1', fields: null, type: 'maintenance', start: wib(20, 8), end: wib(20, 12) },
    { id: 2, station: 'ww-t1', fields: ['ph'], type: 'calibration', start: wib(10, 9), end: wib(10, 11) },
    { id: 3, station: 'wn-t1', fields: null, type: 'maintenance', start: wib(25, 13), end: wib(25, 15) },
  ],
  decisions: [
    { id: 1, station: 'aq-t1', fields: ['pm25', 'pm10'], from: wib(1, 0), to: wib(17, 0), decision: 'valid', by: 'validator', at: wib(18, 9) },
    { id: 2, station: 'aq-t1', fields: ['no2'], from: wib(25, 0), to: wib(25, 6), decision: 'invalid', reason: 'analyser drift', by: 'validator', at: wib(26, 9) },
    { id: 3, station: 'ww-t1', fields: ['bod', 'cod', 'tss', 'ph', 'flow'], from: wib(1, 0), to: wib(32, 0), decision: 'valid', by: 'validator', at: wib(32, 9) },
  ],
};
writeFileSync(new URL('fixture.json', HERE), `${JSON.stringify(fixture, null, 2)}\n`);
