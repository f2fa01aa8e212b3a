import type { Breakpoint, Pollutant } from '../standards/index.ts';

/**
 * ISPU (Permen LHK P.14/2020): I = (Ia - Ib) / (Xa - Xb) * (Xx - Xb) + Ib inside the band that holds
 * the concentration. Bands are continuous in standards.json (each band's conc_lo is the previous
 * conc_hi), so a value between two published edges (PM2.5 55.45) interpolates within the upper band.
 */
export const ISPU_CATEGORIES = ['Baik', 'Sedang', 'Tidak Sehat', 'Sangat Tidak Sehat', 'Berbahaya'] as const;
export type IspuCategory = (typeof ISPU_CATEGORIES)[number];

export type SubIndex = {
  parameter: string;
  concentration: number;
  /** Published integer ISPU (see roundIspu). */
  index: number;
  /** Unrounded interpolation, for audits. */
  exact: number;
  category: IspuCategory;
  /** True above the table's last concentration: the index is capped at the top of the table. */
  beyondTable: boolean;
};

/**
 * The regulation text read does not state a rounding rule. Rounding up keeps the integer inside the
 * category of the concentration's band (a concentration just above 55.4 gives 100.1 -> 101, which
 * the category table calls Tidak Sehat, 101-200). A 1e-9 guard stops float noise at a band's upper
 * edge (50 / 39.9 * 39.9 + 50) from rounding 100 up to 101.
 */
export function roundIspu(exact: number): number {
  return Math.max(0, Math.ceil(Math.round(exact * 1e6) / 1e6 - 1e-9));
}

export function categoryOf(index: number): IspuCategory {
  if (index <= 50) return 'Baik';
  if (index <= 100) return 'Sedang';
  if (index <= 200) return 'Tidak Sehat';
  if (index <= 300) return 'Sangat Tidak Sehat';
  return 'Berbahaya';
}

function bandFor(breakpoints: readonly Breakpoint[], conc: number): Breakpoint | undefined {
  // conc_lo is exclusive except for the first band, which starts at 0 inclusive.
  return breakpoints.find((b, i) => (i === 0 ? conc >= b.conc_lo : conc > b.conc_lo) && conc <= b.conc_hi);
}

export function subIndex(table: Pollutant, concentration: number): SubIndex | undefined {
  const breakpoints = table.breakpoints;
  if (!breakpoints || breakpoints.length === 0 || !Number.isFinite(concentration) || concentration < 0) {
    return undefined;
  }
  const last = breakpoints[breakpoints.length - 1] as Breakpoint;
  const beyondTable = concentration > last.conc_hi;
  const band = beyondTable ? last : bandFor(breakpoints, concentration);
  if (!band) return undefined;
  const x = beyondTable ? last.conc_hi : concentration;
  const exact =
    ((band.index_hi - band.index_lo) / (band.conc_hi - band.conc_lo)) * (x - band.conc_lo) + band.index_lo;
  const index = roundIspu(exact);
  return {
    parameter: table.parameter,
    concentration,
    index,
    exact,
    category: categoryOf(index),
    beyondTable,
  };
}

export type StationIspu = {
  ispu: number;
  category: IspuCategory;
  /** The pollutant whose sub-index is the station's ISPU. */
  dominant: string;
};

/** Station ISPU = the highest sub-index (common practice; standards.json notes the rule was not read). */
export function stationIspu(subIndices: readonly SubIndex[]): StationIspu | undefined {
  let best: SubIndex | undefined;
  for (const s of subIndices) if (!best || s.index > best.index) best = s;
  return best && { ispu: best.index, category: best.category, dominant: best.parameter };
}
