import { gaussian, hashSeed, seededRandom } from './random.ts';
import type { SimStation } from './stations/load.ts';

export type { SimStation } from './stations/load.ts';

/** Depok's 11 kecamatan with an approximate centre (WGS84). */
export const DEPOK_DISTRICTS = [
  { id: 'beji', name: 'Beji', lat: -6.3747, lon: 106.8198 },
  { id: 'bojongsari', name: 'Bojongsari', lat: -6.3977, lon: 106.7425 },
  { id: 'cilodong', name: 'Cilodong', lat: -6.4278, lon: 106.8417 },
  { id: 'cimanggis', name: 'Cimanggis', lat: -6.3667, lon: 106.8667 },
  { id: 'cinere', name: 'Cinere', lat: -6.3333, lon: 106.7833 },
  { id: 'cipayung', name: 'Cipayung', lat: -6.4311, lon: 106.8039 },
  { id: 'limo', name: 'Limo', lat: -6.3653, lon: 106.7808 },
  { id: 'pancoran-mas', name: 'Pancoran Mas', lat: -6.4025, lon: 106.8172 },
  { id: 'sawangan', name: 'Sawangan', lat: -6.4042, lon: 106.7611 },
  { id: 'sukmajaya', name: 'Sukmajaya', lat: -6.3972, lon: 106.8456 },
  { id: 'tapos', name: 'Tapos', lat: -6.4311, lon: 106.8822 },
] as const;

const PREFIX: Record<string, string> = { air_quality: 'aq', wastewater: 'ww', water_network: 'wn' };
const OPERATOR: Record<string, string> = {
  air_quality: 'DLHK Depok',
  wastewater: 'DLHK Depok',
  water_network: 'PDAM Tirta Asasta',
};

/**
 * A deterministic generated fleet: `perKind` stations of each kind spread over the districts. The Depok
 * station catalogue (stations/load.ts loadStations) is the realistic fleet; this one is for any count.
 */
export function generateFleet(kinds: readonly string[], perKind: number, seed = 1): SimStation[] {
  const stations: SimStation[] = [];
  for (const kind of kinds) {
    for (let i = 0; i < perKind; i++) {
      const district = DEPOK_DISTRICTS[i % DEPOK_DISTRICTS.length] ?? DEPOK_DISTRICTS[0];
      const n = Math.floor(i / DEPOK_DISTRICTS.length) + 1;
      const id = `${PREFIX[kind] ?? kind.slice(0, 2)}-${district.id}-${String(n).padStart(2, '0')}`;
      const random = seededRandom(hashSeed(`${seed}:${id}`));
      stations.push({
        id,
        kind,
        name: `${district.name} ${kind.replace('_', ' ')} ${n}`,
        district: district.id,
        operator: OPERATOR[kind] ?? 'DLHK Depok',
        lat: Math.round((district.lat + 0.01 * gaussian(random)) * 1e5) / 1e5,
        lon: Math.round((district.lon + 0.01 * gaussian(random)) * 1e5) / 1e5,
        intensity: 0.6 + 0.8 * random(),
        distanceKm: 1 + 9 * random(),
      });
    }
  }
  return stations;
}

/**
 * N load-test devices cloned round-robin from template stations (traits, district, operator, format),
 * with ids `load-<template id>-<n>`: the scale mode's fleet (ids stay within the 64-character limit).
 */
export function syntheticFleet(count: number, templates: readonly SimStation[]): SimStation[] {
  if (templates.length === 0) throw new Error('syntheticFleet needs at least one template station');
  const fleet: SimStation[] = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length] as SimStation;
    fleet.push({ ...t, id: `load-${t.id.slice(0, 40)}-${i}`, name: `${t.name} (load ${i})` });
  }
  return fleet;
}
