import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe, type Identity } from './acl.ts';
import { ACCOUNTS, type AccountType, PUBLISH_MATRIX, SUBSCRIBE_MATRIX } from './testdata/acl-matrix.ts';
import { filterCovers, isValidFilter, topicMatches } from './topic-filter.ts';

const device: Identity = { type: 'device', id: 'aq-beji-01', kind: 'air_quality' };
const svc = (role: 'ingest' | 'flows' | 'dashboard' | 'operator'): Identity => ({
  type: 'service',
  username: role,
  role,
});

describe('topic filters', () => {
  it('matches per MQTT 3.1.1 section 4.7', () => {
    expect(topicMatches('sensors/+/+', 'sensors/air_quality/a')).toBe(true);
    expect(topicMatches('sensors/+/+', 'sensors/air_quality/a/status')).toBe(false);
    expect(topicMatches('sensors/#', 'sensors')).toBe(true);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
  });
  it('decides whether one filter covers another', () => {
    expect(filterCovers('sensors/#', 'sensors/+/+')).toBe(true);
    expect(filterCovers('sensors/#', '#')).toBe(false);
    expect(filterCovers('readings/#', 'readings/air_quality/#')).toBe(true);
    expect(filterCovers('cmd/aq-1', 'cmd/+')).toBe(false);
    expect(filterCovers('sensors/+/+/status', 'sensors/x/y/status')).toBe(true);
  });
  it('validates wildcard placement', () => {
    expect(isValidFilter('a/#')).toBe(true);
    expect(isValidFilter('a/#/b')).toBe(false);
    expect(isValidFilter('a/b+')).toBe(false);
  });
});

describe('ACL', () => {
  it('lets a device publish only its own reading and status topics', () => {
    expect(canPublish(device, 'sensors/air_quality/aq-beji-01')).toBe(true);
    expect(canPublish(device, 'sensors/air_quality/aq-beji-01/status')).toBe(true);
    expect(canPublish(device, 'sensors/air_quality/aq-beji-02')).toBe(false);
    expect(canPublish(device, 'sensors/wastewater/aq-beji-01')).toBe(false);
    expect(canPublish(device, 'readings/air_quality/aq-beji-01')).toBe(false);
    expect(canPublish(device, '$SYS/broker/x')).toBe(false);
  });
  it('lets a device subscribe only to its command topic', () => {
    expect(canSubscribe(device, 'cmd/aq-beji-01')).toBe(true);
    expect(canSubscribe(device, 'cmd/+')).toBe(false);
    expect(canSubscribe(device, '#')).toBe(false);
    expect(canSubscribe(device, 'sensors/air_quality/aq-beji-01')).toBe(false);
  });
  it('gives each service role its own topics and nothing else', () => {
    expect(canSubscribe(svc('ingest'), 'sensors/+/+')).toBe(true);
    expect(canPublish(svc('ingest'), 'readings/air_quality/a')).toBe(true);
    expect(canPublish(svc('ingest'), 'alerts/air_quality/a/r')).toBe(false);
    expect(canSubscribe(svc('flows'), 'readings/#')).toBe(true);
    expect(canPublish(svc('flows'), 'alerts/air_quality/a/pm25')).toBe(true);
    expect(canPublish(svc('flows'), 'sensors/air_quality/a')).toBe(false);
    expect(canSubscribe(svc('dashboard'), 'alerts/#')).toBe(true);
    expect(canPublish(svc('dashboard'), 'alerts/air_quality/a/r')).toBe(false);
    expect(canPublish(svc('operator'), 'alerts/air_quality/a/pm25/ack')).toBe(true);
    expect(canSubscribe(svc('ingest'), '#')).toBe(false);
  });
});

describe('ACL matrix (every account type against every topic class)', () => {
  const identities: Record<AccountType, Identity> = {
    device,
    ingest: svc('ingest'),
    flows: svc('flows'),
    dashboard: svc('dashboard'),
    operator: svc('operator'),
  };
  for (const account of ACCOUNTS) {
    it(`${account}: publish`, () => {
      for (const { topic, allowed } of PUBLISH_MATRIX)
        expect([topic, canPublish(identities[account], topic)]).toEqual([topic, allowed.includes(account)]);
    });
    it(`${account}: subscribe`, () => {
      for (const { filter, allowed } of SUBSCRIBE_MATRIX)
        expect([filter, canSubscribe(identities[account], filter)]).toEqual([
          filter,
          allowed.includes(account),
        ]);
    });
  }
});
