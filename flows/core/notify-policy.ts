import type { Translator } from '../../lib/i18n/index.ts';
import type { AlertEvent, AlertEventType } from './alert.ts';

export type NotifyDecision = 'send' | 'muted' | 'ignored' | 'duplicate' | 'rate_limited';

export type NotifyPolicyOptions = {
  events: readonly AlertEventType[];
  /** At most this many notifications per alert id and channel within the window. */
  rateLimitCount: number;
  rateLimitWindowMs: number;
};

const DEDUP_TTL_MS = 24 * 3_600_000;

/**
 * Which notifications go out. A muted transition (its station was in a maintenance window) never does,
 * and leaves no trace in the de-duplication, so the raise of an alert that outlasts its window is
 * notified then (engine.ts `unmute`). De-duplication: one message per (channel, alert id, transition,
 * raised_at), so a replay or a restart never notifies twice. Rate limit: a flapping alert is capped
 * per (channel, alert id). Escalations are never rate-limited: they exist because nobody reacted.
 */
export function createNotifyPolicy(options: NotifyPolicyOptions) {
  const seen = new Map<string, number>();
  const sent = new Map<string, number[]>();

  function prune(now: number) {
    for (const [k, at] of seen) if (now - at > DEDUP_TTL_MS) seen.delete(k);
    for (const [k, times] of sent) {
      const kept = times.filter((t) => now - t < options.rateLimitWindowMs);
      if (kept.length === 0) sent.delete(k);
      else sent.set(k, kept);
    }
  }

  return {
    decide(e: AlertEvent, channel: string, now: number): NotifyDecision {
      if (e.alert.muted) return 'muted';
      if (!options.events.includes(e.event)) return 'ignored';
      const key = `${channel}|${e.alert.id}|${e.event}|${e.alert.raised_at}`;
      if (seen.has(key)) return 'duplicate';
      if (seen.size > 10_000) prune(now);
      const rateKey = `${channel}|${e.alert.id}`;
      const times = (sent.get(rateKey) ?? []).filter((t) => now - t < options.rateLimitWindowMs);
      if (e.event !== 'escalated' && times.length >= options.rateLimitCount) return 'rate_limited';
      seen.set(key, now);
      times.push(now);
      sent.set(rateKey, times);
      return 'send';
    },
  };
}

const EVENT_KEYS = {
  raised: 'notify.event.raised',
  acknowledged: 'notify.event.acknowledged',
  cleared: 'notify.event.cleared',
  escalated: 'notify.event.escalated',
} as const satisfies Record<AlertEventType, string>;
const SEVERITY_KEYS = { warning: 'notify.severity.warning', critical: 'notify.severity.critical' } as const;

/**
 * Subject and text for people (e-mail, Telegram), in the deployment's language (FLOWS_LANGUAGE): the
 * alert's message, its value against the limit (durations for staleness), and each time in WIB.
 */
export function formatNotification(e: AlertEvent, tr: Translator): { subject: string; text: string } {
  const a = e.alert;
  const subject = tr.t(a.provisional ? 'notify.subject_provisional' : 'notify.subject', {
    severity: tr.t(SEVERITY_KEYS[a.severity]),
    event: tr.t(EVENT_KEYS[e.event]),
    id: a.id,
  });
  const value = { value: tr.amount(a.value, a.unit), limit: tr.amount(a.limit, a.unit) };
  const lines = [
    a.message,
    a.averaging
      ? tr.t('notify.value_averaging', { ...value, averaging: tr.averaging(a.averaging) })
      : tr.t('notify.value', value),
    tr.t('notify.raised_at', { time: tr.dateTime(a.raised_at) }),
  ];
  if (a.acknowledged_by) {
    const ack = { by: a.acknowledged_by, time: tr.dateTime(a.acknowledged_at) };
    lines.push(
      a.comment
        ? tr.t('notify.acknowledged_comment', { ...ack, comment: a.comment })
        : tr.t('notify.acknowledged', ack),
    );
  }
  if (a.cleared_at) lines.push(tr.t('notify.cleared_at', { time: tr.dateTime(a.cleared_at) }));
  if (a.provisional) lines.push(tr.t('notify.provisional'));
  return { subject, text: lines.join('\n') };
}
