import { describe, expect, it } from 'vitest';
import { kinds } from '../../lib/catalogue/index.ts';
import { RegistrySchema } from '../../lib/registry/schema.ts';
import { syntheticFleet } from '../fleet.ts';
import { models } from '../profiles/index.ts';
import depok from './depok.json' with { type: 'json' };
import { DEPOK_STATIONS_PATH, loadStations, parseStationFile, toRegistryDevices } from './load.ts';

const stations = loadStations();
const file = parseStationFile(depok);

describe('Depok station catalogue', () => {
  it('has at least 30 stations over all 11 kecamatan, every kind present', () => {
    expect(stations.length).toBeGreaterThanOrEqual(30);
    expect(file.districts).toHaveLength(11);
    expect(new Set(stations.map((s) => s.district))).toEqual(new Set(file.districts.map((d) => d.id)));
    for (const kind of kinds)
      expect(
        stations.some((s) => s.kind === kind.id),
        kind.id,
      ).toBe(true);
  });

  it('places each station in Depok, within 6 km of its kecamatan centre', () => {
    for (const s of stations) {
      const d = file.districts.find((x) => x.id === s.district);
      expect(s.lat).toBeGreaterThan(-6.48);
      expect(s.lat).toBeLessThan(-6.3);
      expect(s.lon).toBeGreaterThan(106.7);
      expect(s.lon).toBeLessThan(106.93);
      const km = Math.hypot((s.lat - (d?.lat ?? 0)) * 111, (s.lon - (d?.lon ?? 0)) * 110);
      expect(km, s.id).toBeLessThan(6);
    }
  });

  it('gives every kind a model, and uses every payload format', () => {
    for (const s of stations) expect(models[s.kind], s.kind).toBeDefined();
    expect(new Set(stations.map((s) => s.format))).toEqual(new Set(['native', 'senml', 'sensor_community']));
  });

  it('provisions the device registry from the same list', () => {
    const devices = toRegistryDevices(stations).map((d) => ({ ...d, secret_hash: 'scrypt$x' }));
    expect(RegistrySchema.safeParse({ devices, services: [] }).success).toBe(true);
  });

  it('refuses a broken catalogue with a message naming the station', () => {
    const broken = structuredClone(depok) as typeof depok;
    const [first] = broken.stations;
    if (!first) throw new Error('empty');
    broken.stations.push({ ...first });
    (broken.stations[1] as { district: string }).district = 'jakarta';
    expect(() => parseStationFile(broken, 'x.json')).toThrow(/duplicate station id 'aq-margonda-01'/);
    expect(() => parseStationFile(broken, 'x.json')).toThrow(/unknown district 'jakarta'/);
    expect(() => loadStations('/nonexistent.json')).toThrow(/cannot read the station catalogue/);
    expect(DEPOK_STATIONS_PATH).toMatch(/depok\.json$/);
  });

  it('clones the catalogue into a 10,000-device load fleet with valid, unique ids', () => {
    const fleet = syntheticFleet(10_000, stations);
    expect(new Set(fleet.map((s) => s.id)).size).toBe(10_000);
    for (const s of fleet) expect(s.id).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
  });
});
