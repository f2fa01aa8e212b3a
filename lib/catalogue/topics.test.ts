import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filters, type ParsedTopic, parseSensorTopic, parseTopic, topics } from './topics.ts';

// The contract written out by hand: a builder that drifts from it fails here.
const EXAMPLES: [string, ParsedTopic][] = [
  [
    topics.reading('air_quality', 'aq-beji-01'),
    { type: 'reading', kind: 'air_quality', station: 'aq-beji-01' },
  ],
  [
    topics.status('air_quality', 'aq-beji-01'),
    { type: 'status', kind: 'air_quality', station: 'aq-beji-01' },
  ],
  [
    topics.normalized('wastewater', 'ww-tapos-01'),
    { type: 'normalized', kind: 'wastewater', station: 'ww-tapos-01' },
  ],
  [topics.ispu('aq-beji-01'), { type: 'ispu', station: 'aq-beji-01' }],
  [
    topics.rejected('water_network', 'wn-limo-01'),
    { type: 'rejected', kind: 'water_network', station: 'wn-limo-01' },
  ],
  [
    topics.alert('air_quality', 'aq-beji-01', 'pm25-24h'),
    { type: 'alert', kind: 'air_quality', station: 'aq-beji-01', rule: 'pm25-24h' },
  ],
  [
    topics.alertAck('air_quality', 'aq-beji-01', 'pm25-24h'),
    { type: 'alert_ack', kind: 'air_quality', station: 'aq-beji-01', rule: 'pm25-24h' },
  ],
  [topics.command('aq-beji-01'), { type: 'command', station: 'aq-beji-01' }],
];
const SPELLED = [
  'sensors/air_quality/aq-beji-01',
  'sensors/air_quality/aq-beji-01/status',
  'readings/wastewater/ww-tapos-01',
  'readings/ispu/aq-beji-01',
  'ingest/rejected/water_network/wn-limo-01',
  'alerts/air_quality/aq-beji-01/pm25-24h',
  'alerts/air_quality/aq-beji-01/pm25-24h/ack',
  'cmd/aq-beji-01',
];

/** MQTT 3.1.1 section 4.7 matching, written here so this test does not lean on the broker's. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

const kindId = fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/);
const stationId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/);
const ruleId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/);

describe('topics', () => {
  it('builds the topics of the contract and parses them back', () => {
    expect(EXAMPLES.map(([topic]) => topic)).toEqual(SPELLED);
    for (const [topic, parsed] of EXAMPLES) expect(parseTopic(topic)).toEqual(parsed);
  });

  it('parses back whatever it builds from valid ids', () => {
    fc.assert(
      fc.property(kindId, stationId, ruleId, (kind, station, rule) => {
        const asKind = kind === 'ispu' ? { type: 'ispu', station } : { type: 'normalized', kind, station };
        expect(parseTopic(topics.reading(kind, station))).toEqual({ type: 'reading', kind, station });
        expect(parseTopic(topics.status(kind, station))).toEqual({ type: 'status', kind, station });
        expect(parseTopic(topics.normalized(kind, station))).toEqual(asKind);
        expect(parseTopic(topics.rejected(kind, station))).toEqual({ type: 'rejected', kind, station });
        expect(parseTopic(topics.alert(kind, station, rule))).toEqual({ type: 'alert', kind, station, rule });
        expect(parseTopic(topics.alertAck(kind, station, rule))).toEqual({
          type: 'alert_ack',
          kind,
          station,
          rule,
        });
        expect(parseTopic(topics.ispu(station))).toEqual({ type: 'ispu', station });
        expect(parseTopic(topics.command(station))).toEqual({ type: 'command', station });
      }),
    );
  });

  it('refuses to build a topic from an id that is not one topic level', () => {
    for (const bad of ['', 'a/b', '+', '#', 'a+', 'x#', 'nul\u0000']) {
      expect(() => topics.reading(bad, 'aq-1')).toThrow(/not one topic level/);
      expect(() => topics.status('air_quality', bad)).toThrow(/not one topic level/);
      expect(() => topics.normalized(bad, 'aq-1')).toThrow(/not one topic level/);
      expect(() => topics.ispu(bad)).toThrow(/not one topic level/);
      expect(() => topics.rejected('air_quality', bad)).toThrow(/not one topic level/);
      expect(() => topics.alert('air_quality', 'aq-1', bad)).toThrow(/not one topic level/);
      expect(() => topics.alertAck('air_quality', bad, 'r1')).toThrow(/not one topic level/);
      expect(() => topics.command(bad)).toThrow(/not one topic level/);
    }
  });

  it('parses nothing outside the contract, nor ids that break the id patterns', () => {
    for (const topic of [
      '',
      'sensors',
      'sensors/air_quality',
      'sensors/air_quality/aq-1/extra',
      'sensors/air_quality/aq-1/status/x',
      'sensors/air_quality/aq-1/',
      'sensors/Air/aq-1',
      'sensors/air_quality/aq_1',
      'sensors/air_quality/-aq',
      'sensors/+/+',
      'sensors/#',
      'readings/air_quality/aq-1/x',
      'readings/ispu',
      'ingest/accepted/air_quality/aq-1',
      'ingest/rejected/air_quality',
      'alerts/air_quality/aq-1',
      'alerts/air_quality/aq-1/PM25',
      'alerts/air_quality/aq-1/r1/nack',
      'alerts/air_quality/aq-1/r1/ack/x',
      'alerts/+/+/+/ack',
      `alerts/air_quality/aq-1/${'r'.repeat(65)}`,
      'cmd/aq-1/x',
      'cmd/+',
      `cmd/${'a'.repeat(65)}`,
      '$SYS/broker/clients',
      '/sensors/air_quality/aq-1',
    ])
      expect([topic, parseTopic(topic)]).toEqual([topic, undefined]);
  });

  it('reads device topics for the ingest', () => {
    expect(parseSensorTopic('sensors/air_quality/aq-1')).toEqual({
      kind: 'air_quality',
      station: 'aq-1',
      status: false,
    });
    expect(parseSensorTopic('sensors/air_quality/aq-1/status')?.status).toBe(true);
    expect(parseSensorTopic('readings/air_quality/aq-1')).toBeUndefined();
    expect(parseSensorTopic('sensors/air_quality/a,b=c')).toBeUndefined();
  });
});

describe('filters', () => {
  it('are the filters of the contract', () => {
    expect(filters).toEqual({
      sensors: 'sensors/#',
      readings: 'sensors/+/+',
      statuses: 'sensors/+/+/status',
      normalized: 'readings/#',
      ispu: 'readings/ispu/#',
      rejected: 'ingest/rejected/#',
      alerts: 'alerts/#',
      alertAcks: 'alerts/+/+/+/ack',
    });
  });

  it('each matches exactly its class of topics (and none a command)', () => {
    const [reading, status, normalized, ispu, rejected, alert, ack] = SPELLED;
    const expected: Record<keyof typeof filters, (string | undefined)[]> = {
      sensors: [reading, status],
      readings: [reading],
      statuses: [status],
      normalized: [normalized, ispu],
      ispu: [ispu],
      rejected: [rejected],
      alerts: [alert, ack],
      alertAcks: [ack],
    };
    for (const [name, filter] of Object.entries(filters)) {
      const matched = SPELLED.filter((topic) => matches(filter, topic));
      expect([name, matched]).toEqual([name, expected[name as keyof typeof filters]]);
    }
  });
});
