import { describe, expect, it } from 'vitest';
import {
  DEVICE_ROOTS,
  filters,
  PIPELINE_ROOTS,
  patternProblem,
  rootOf,
  topics,
  underRoot,
} from './topics.ts';

describe('account patterns (patternProblem, rootOf)', () => {
  it('accepts valid filters, the contract’s own among them', () => {
    for (const pattern of [
      ...Object.values(filters),
      'city/#',
      '+/+',
      '#',
      'a/+/b',
      topics.command('aq-beji-01'),
    ])
      expect([pattern, patternProblem(pattern)]).toEqual([pattern, undefined]);
  });
  it('refuses invalid filters, $ topics, U+0000 and overlong patterns', () => {
    expect(patternProblem('a/#/b')).toMatch(/not a valid MQTT filter/);
    expect(patternProblem('a#')).toMatch(/not a valid MQTT filter/);
    expect(patternProblem('')).toMatch(/not a valid MQTT filter/);
    expect(patternProblem('$SYS/#')).toMatch(/`\$` topic/);
    expect(patternProblem('a/\u0000')).toMatch(/U\+0000/);
    expect(patternProblem('a'.repeat(257))).toMatch(/longer than 256/);
  });
  it('names the first level, and the roots cover every class of topic of the contract', () => {
    expect([rootOf('sensors/+/+'), rootOf('+/x'), rootOf('#'), rootOf('city')]).toEqual([
      'sensors',
      '+',
      '#',
      'city',
    ]);
    const built = [
      topics.reading('k', 's'),
      topics.status('k', 's'),
      topics.normalized('k', 's'),
      topics.ispu('s'),
      topics.rejected('k', 's'),
      topics.alert('k', 's', 'r'),
      topics.alertAck('k', 's', 'r'),
      topics.command('s'),
    ];
    for (const topic of built)
      expect([topic, (PIPELINE_ROOTS as readonly string[]).includes(rootOf(topic))]).toEqual([topic, true]);
    const deviceOwn = [topics.reading('k', 's'), topics.status('k', 's'), topics.command('s')];
    for (const topic of deviceOwn)
      expect((DEVICE_ROOTS as readonly string[]).includes(rootOf(topic))).toBe(true);
    expect(underRoot('sensors')).toBe(filters.sensors);
  });
});
