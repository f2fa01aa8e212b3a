import type { AlertEvent, AlertEventType } from './alert.ts';
import { valueLine } from './alert-text.ts';

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

/** Subject and text for people (e-mail, Telegram). */
export function formatNotification(e: AlertEvent): { subject: string; text: string } {
  const a = e.alert;
  const what = e.event === 'escalated' ? 'ESCALATED (not acknowledged)' : e.event.toUpperCase();
  const subject = `[${a.severity.toUpperCase()}] ${what}: ${a.id}${a.provisional ? ' (provisional limit)' : ''}`;
  const lines = [a.message, valueLine(a), `raised at ${a.raised_at}`];
  if (a.acknowledged_by)
    lines.push(
      `acknowledged by ${a.acknowledged_by} at ${a.acknowledged_at}${a.comment ? `: ${a.comment}` : ''}`,
    );
  if (a.cleared_at) lines.push(`cleared at ${a.cleared_at}`);
  if (a.provisional)
    lines.push(
      'The limit is provisional: its source is not yet confirmed (standards confidence "recalled").',
    );
  return { subject, text: lines.join('\n') };
}
