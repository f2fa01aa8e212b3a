import { describe, expect, it } from 'vitest';
import { translator } from '../../lib/i18n/index.ts';
import type { Alert, AlertEvent } from './alert.ts';
import { createNotifyPolicy, formatNotification } from './notify-policy.ts';

const alert = (id: string, raised_at = '2026-11-28T00:00:00.000Z') =>
  ({
    id,
    severity: 'critical',
    message: 'm',
    value: 2,
    limit: 1,
    unit: 'bar',
    raised_at,
    provisional: true,
  }) as Alert;
const ev = (event: AlertEvent['event'], a: Alert): AlertEvent => ({ event, alert: a, at: 0 });

describe('notification policy', () => {
  it('never sends a muted transition, and does not count it: the unmuted raise goes out', () => {
    const p = createNotifyPolicy({
      events: ['raised', 'escalated'],
      rateLimitCount: 1,
      rateLimitWindowMs: 1000,
    });
    const a = alert('k/s/r');
    const muted = { ...a, muted: true };
    for (const event of ['raised', 'escalated', 'cleared'] as const)
      expect(p.decide(ev(event, muted), 'webhook', 0)).toBe('muted');
    // Same raise time as the muted one, and the rate limit (1) not used up by it.
    expect(p.decide(ev('raised', a), 'webhook', 1)).toBe('send');
  });

  it('de-duplicates per channel, alert, transition and raise time', () => {
    const p = createNotifyPolicy({
      events: ['raised', 'cleared'],
      rateLimitCount: 10,
      rateLimitWindowMs: 1000,
    });
    const a = alert('k/s/r');
    expect(p.decide(ev('raised', a), 'webhook', 0)).toBe('send');
    expect(p.decide(ev('raised', a), 'webhook', 1)).toBe('duplicate');
    expect(p.decide(ev('raised', a), 'email', 1)).toBe('send');
    expect(p.decide(ev('acknowledged', a), 'email', 1)).toBe('ignored');
    expect(p.decide(ev('raised', alert('k/s/r', '2026-11-28T01:00:00.000Z')), 'webhook', 2)).toBe('send');
  });

  it('rate-limits a flapping alert but never an escalation', () => {
    const p = createNotifyPolicy({
      events: ['raised', 'escalated'],
      rateLimitCount: 2,
      rateLimitWindowMs: 1000,
    });
    const at = (i: number) => alert('k/s/r', `2026-11-28T00:00:0${i}.000Z`);
    expect(p.decide(ev('raised', at(1)), 'webhook', 0)).toBe('send');
    expect(p.decide(ev('raised', at(2)), 'webhook', 10)).toBe('send');
    expect(p.decide(ev('raised', at(3)), 'webhook', 20)).toBe('rate_limited');
    expect(p.decide(ev('escalated', at(3)), 'webhook', 30)).toBe('send');
    expect(p.decide(ev('raised', at(4)), 'webhook', 2000)).toBe('send');
  });

  it('says when a limit is provisional, in the deployment language', () => {
    const escalated = ev('escalated', alert('k/s/r'));
    expect(formatNotification(escalated, translator('id')).subject).toBe(
      '[KRITIS] ESKALASI (belum dikonfirmasi): k/s/r (batas sementara)',
    );
    expect(formatNotification(escalated, translator('en')).subject).toBe(
      '[CRITICAL] ESCALATED (not acknowledged): k/s/r (provisional limit)',
    );
    expect(formatNotification(escalated, translator('id')).text).toMatch(/\nBatas ini sementara: /);
  });

  it('says who acknowledged, when (WIB) and with which comment', () => {
    const acknowledged = {
      ...alert('k/s/r'),
      acknowledged_by: 'siti',
      acknowledged_at: '2026-11-28T03:04:00.000Z',
      comment: 'petugas berangkat',
    };
    expect(formatNotification(ev('acknowledged', acknowledged), translator('id')).text).toContain(
      'dikonfirmasi oleh siti pada 28 Nov 2026 10.04 WIB: petugas berangkat',
    );
  });
});
