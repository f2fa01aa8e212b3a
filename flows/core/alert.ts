import { z } from 'zod';
import { topics } from '../../lib/catalogue/topics.ts';
import { toLine } from '../../lib/influx/line-protocol.ts';

/** The message as data (lib/i18n/alert-text.js words it in any language; flows/core/alert-text.ts). */
export const AlertTextSchema = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  source: z.enum(['standard', 'local', 'override', 'catalogue']),
  raised: z.number().optional(),
});

/** The alert contract (flows/README.md "Alert messages"), shared with the dashboard. */
export const AlertSchema = z.object({
  id: z.string(),
  kind: z.string(),
  station: z.string(),
  rule: z.string(),
  rule_type: z.string(),
  parameter: z.string(),
  state: z.enum(['raised', 'acknowledged', 'cleared']),
  severity: z.enum(['warning', 'critical']),
  /** In the deployment's language (FLOWS_LANGUAGE); `text` lets a reader word it in another. */
  message: z.string(),
  text: AlertTextSchema.optional(),
  /** The standards.json id of the limit's standard, when it has one. */
  standard: z.string().optional(),
  value: z.number(),
  limit: z.number(),
  unit: z.string(),
  averaging: z.string().optional(),
  provisional: z.boolean(),
  raised_at: z.string(),
  acknowledged_by: z.string().optional(),
  acknowledged_at: z.string().optional(),
  comment: z.string().optional(),
  cleared_at: z.string().optional(),
  /** The station was in a maintenance window: shown, never notified (flows/README.md "Maintenance"). */
  muted: z.boolean().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export type AlertEventType = 'raised' | 'acknowledged' | 'cleared' | 'escalated';
export type AlertEvent = { event: AlertEventType; alert: Alert; at: number };

export type MqttOut = { topic: string; payload: string; retain: boolean; qos: 0 | 1 };

export type Effects = { mqtt: MqttOut[]; lines: string[]; events: AlertEvent[] };
export const noEffects = (): Effects => ({ mqtt: [], lines: [], events: [] });

export type StationTags = { district?: string | undefined; operator?: string | undefined };

/** Ack body over MQTT and HTTP: `{"by": "name", "comment"?: "..."}`. */
export const AckSchema = z.strictObject({
  by: z.string().trim().min(1).max(128),
  comment: z.string().max(2000).optional(),
});
export type Ack = z.infer<typeof AckSchema>;

/**
 * MQTT for one transition: retained while active; on clear the `cleared` state once (not retained)
 * and then an empty retained payload, which removes the retained alert ([MQTT-3.3.1-10]).
 */
export function alertMqtt(alert: Alert): MqttOut[] {
  const topic = topics.alert(alert.kind, alert.station, alert.rule);
  const payload = JSON.stringify(alert);
  if (alert.state !== 'cleared') return [{ topic, payload, retain: true, qos: 1 }];
  return [
    { topic, payload, retain: false, qos: 1 },
    { topic, payload: '', retain: true, qos: 1 },
  ];
}

/**
 * What the engine adds to an `alerts` point beyond the alert: the transition (an escalation is a point
 * too, with the alert still `raised`), the rule's standard, and the active alert's record (the raised
 * value, when it escalated). So a cleared point alone is a whole row of the console's alert history,
 * even when the raise lies before the period asked for.
 */
export type AlertLineContext = {
  event?: AlertEventType | undefined;
  standard?: string | undefined;
  entry?: { alert: Alert; escalatedAt?: number | undefined } | undefined;
};

/**
 * One point in measurement `alerts` per transition, at the transition time (schema: flows/README.md
 * "The `alerts` measurement"). `acknowledged_by` and `comment` are staff-only: never for a public API.
 */
export function alertLine(alert: Alert, at: number, tags: StationTags, ctx: AlertLineContext = {}): string {
  const fields: Record<string, number | string | boolean> = {
    id: alert.id,
    parameter: alert.parameter,
    message: alert.message,
    value: alert.value,
    limit: alert.limit,
    unit: alert.unit,
    provisional: alert.provisional,
    raised_at: alert.raised_at,
    raised_value: ctx.entry?.alert.value ?? alert.value,
  };
  if (alert.averaging) fields.averaging = alert.averaging;
  if (ctx.standard) fields.standard = ctx.standard; // the rule's source, as the history shows it
  if (alert.standard) fields.standard_id = alert.standard; // the catalogue key of its citation
  if (alert.text) fields.text = JSON.stringify(alert.text); // the message as data, to word in any language
  if (alert.acknowledged_at) fields.acknowledged_at = alert.acknowledged_at;
  if (alert.acknowledged_by) fields.acknowledged_by = alert.acknowledged_by;
  if (alert.comment) fields.comment = alert.comment;
  if (alert.muted) fields.muted = true;
  const escalatedAt = ctx.entry?.escalatedAt;
  if (escalatedAt !== undefined) fields.escalated_at = new Date(escalatedAt).toISOString();
  return toLine({
    measurement: 'alerts',
    tags: {
      kind: alert.kind,
      station: alert.station,
      rule: alert.rule,
      rule_type: alert.rule_type,
      state: ctx.event ?? alert.state,
      severity: alert.severity,
      district: tags.district ?? '',
      operator: tags.operator ?? '',
    },
    fields,
    ts: at,
  });
}
