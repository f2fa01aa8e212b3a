import { describe, expect, it } from 'vitest';
import { isPublicStation } from './public.ts';
import { DeviceSchema } from './schema.ts';

const device = (extra: object) =>
  DeviceSchema.parse({ id: 'aq-x', kind: 'air_quality', secret_hash: 'scrypt$x', ...extra });

describe('isPublicStation', () => {
  it('is public by default', () => expect(isPublicStation(device({}))).toBe(true));
  it('keeps self-monitoring outfalls private unless marked public', () => {
    expect(isPublicStation(device({ self_monitoring: true }))).toBe(false);
    expect(isPublicStation(device({ self_monitoring: true, public: true }))).toBe(true);
  });
  it('follows an explicit public: false', () =>
    expect(isPublicStation(device({ public: false }))).toBe(false));
  it('never shows a revoked device, even one marked public', () =>
    expect(isPublicStation(device({ revoked: true, public: true }))).toBe(false));
  it('refuses a public attribute that is not a boolean', () =>
    expect(() => device({ public: 'yes' })).toThrow());
});
