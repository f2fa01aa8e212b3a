import { randomBytes } from 'node:crypto';

// What a citizen report may be (issue 17): categories, statuses, the Depok box and the tracking codes.
// Pure: the public form's checks and the repository's share them.

export const CitizenCategories = [
  'smell',
  'smoke_burning',
  'illegal_dumping',
  'full_waste_point',
  'dirty_water',
  'no_water',
  'other',
] as const;
export type CitizenCategory = (typeof CitizenCategories)[number];

export const CitizenStatuses = ['new', 'approved', 'rejected', 'resolved'] as const;
export type CitizenStatus = (typeof CitizenStatuses)[number];
/** What the public sees: approved reports, and resolved ones with their answer. */
export const PUBLIC_STATUSES: readonly CitizenStatus[] = ['approved', 'resolved'];

export const CitizenActions = ['approved', 'rejected', 'linked', 'resolved'] as const;
export type CitizenAction = (typeof CitizenActions)[number];

export const DESCRIPTION_MAX = 2000;
export const CONTACT_MAX = 200;
export const ANSWER_MAX = 2000;

/**
 * Kota Depok (about -6.33 to -6.47 S, 106.72 to 106.92 E; the stations of simulators/stations/depok.json
 * lie within) with a margin of about 5 km, so a point on the city's edge or a phone's imprecise fix is
 * taken, and a point in Jakarta's centre or across the world is not.
 */
export const DEPOK_BOX = { south: -6.53, north: -6.27, west: 106.67, east: 106.98 } as const;

export function inDepok(lat: number, lon: number): boolean {
  return (
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    lat >= DEPOK_BOX.south &&
    lat <= DEPOK_BOX.north &&
    lon >= DEPOK_BOX.west &&
    lon <= DEPOK_BOX.east
  );
}

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from a note is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 10;

/** A fresh tracking code: 10 symbols of 5 random bits each (50 bits; 32 divides 256, so uniform). */
export function newTrackingCode(): string {
  return [...randomBytes(CODE_LENGTH)].map((b) => ALPHABET[b & 31]).join('');
}

/**
 * A code as a person typed it, made canonical: case ignored, hyphens and spaces dropped, and the
 * letters Crockford maps (I and L read as 1, O as 0). Undefined when it cannot be a code.
 */
export function normalizeCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}
