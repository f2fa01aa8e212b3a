import { describe, expect, it } from 'vitest';
import { canPublish, canRead, canSubscribe, type Identity } from './acl.ts';
import {
  CITY_PLATFORM,
  INTEGRATION_PUBLISH,
  INTEGRATION_READ,
  INTEGRATION_SUBSCRIBE,
} from './testdata/integration-matrix.ts';

const city: Identity = { type: 'integration', username: 'city-platform', rules: CITY_PLATFORM };

describe('ACL of an integration account (testdata/integration-matrix.ts)', () => {
  for (const row of INTEGRATION_PUBLISH)
    it(`publish ${row.topic}: ${row.allowed ? 'allowed' : 'refused'} (${row.why})`, () => {
      expect(canPublish(city, row.topic)).toBe(row.allowed);
    });
  for (const row of INTEGRATION_SUBSCRIBE)
    it(`subscribe ${row.filter}: ${row.allowed ? 'granted' : '0x80'} (${row.why})`, () => {
      expect(canSubscribe(city, row.filter)).toBe(row.allowed);
    });
  for (const row of INTEGRATION_READ)
    it(`delivery of ${row.topic}: ${row.delivered ? 'sent' : 'kept back'}`, () => {
      expect(canRead(city, row.topic)).toBe(row.delivered);
    });

  it('read_devices opens the devices’ topics to reading, never to publishing', () => {
    const reader: Identity = {
      type: 'integration',
      username: 'national-feed',
      rules: { publish: ['+/+'], subscribe: ['sensors/+/+', 'cmd/+'], deny: [], read_devices: true },
    };
    expect(canSubscribe(reader, 'sensors/+/+')).toBe(true);
    expect(canSubscribe(reader, 'cmd/+')).toBe(true);
    expect(canRead(reader, 'sensors/air_quality/aq-beji-01')).toBe(true);
    expect(canPublish(reader, 'cmd/aq-beji-01')).toBe(false);
    expect(canPublish(reader, 'sensors/x')).toBe(false);
  });

  it('devices and services have no denies: they read whatever they were granted', () => {
    const ingest: Identity = { type: 'service', username: 'ingest', role: 'ingest' };
    expect(canRead(ingest, 'sensors/air_quality/aq-beji-01')).toBe(true);
    expect(canRead({ type: 'device', id: 'aq-beji-01', kind: 'air_quality' }, 'cmd/aq-beji-01')).toBe(true);
  });
});
