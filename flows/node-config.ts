import { z } from 'zod';
import { parseConfig } from '../lib/config.ts';
import { DEFAULT_LANGUAGE, Languages } from '../lib/i18n/index.ts';

/**
 * Settings of the custom nodes. flows.json sets each property to `${ENV}`; Node-RED substitutes it,
 * and leaves the literal `${NAME}` when the variable is unset, which counts as "not set" here.
 * These schemas are also used by flows/service.ts so a bad value stops start-up before Node-RED runs.
 */
const UNSET = /^\$\{\S+\}$/;
export function unset(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'string' && (v === '' || UNSET.test(v))) continue;
    out[k] = v;
  }
  return out;
}

const csv = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string()),
);

export const RulesNodeConfigSchema = z.object({
  /** rules.json; default the shipped flows/rules.json. */
  rulesFile: z.string().default(new URL('./rules.json', import.meta.url).pathname),
  /** Local override file (per kind and station); optional. */
  overridesFile: z.string().optional(),
  /** The broker's registry: every device not revoked is watched for silence; optional. */
  registryFile: z.string().optional(),
  /** The records database (maintenance windows mute alerts), read-only; optional. */
  recordsFile: z.string().optional(),
  /** Folder for the persisted alert and evaluator state. */
  stateDir: z.string().default('state/flows'),
  /** How often stale sensors and escalations are checked. */
  tickMs: z.coerce.number().int().min(50).default(5000),
  /** Evaluator state (means, last values) is saved this often; alerts are saved on every transition. */
  snapshotMs: z.coerce.number().int().min(100).default(30_000),
  /** Escalate unacknowledged alerts after this long (0 = never; a rule's escalateAfterS wins). */
  escalateAfterS: z.coerce.number().min(0).default(1800),
  /** Language of alert messages (FLOWS_LANGUAGE). */
  language: z.enum(Languages).default(DEFAULT_LANGUAGE),
  /** Bearer token for the HTTP API; without it the API answers 503. */
  apiToken: z.string().min(16, 'FLOWS_API_TOKEN must be at least 16 characters').optional(),
});
export type RulesNodeConfig = z.infer<typeof RulesNodeConfigSchema>;

export const InfluxNodeConfigSchema = z.discriminatedUnion('version', [
  z.object({
    version: z.literal(1),
    url: z.url(),
    database: z.string().min(1).default('environment'),
    retentionPolicy: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
  }),
  z.object({
    version: z.literal(2),
    url: z.url(),
    org: z.string().min(1),
    bucket: z.string().min(1),
    token: z.string().min(1),
  }),
]);
export type InfluxNodeConfig = z.infer<typeof InfluxNodeConfigSchema>;

export const NotifyNodeConfigSchema = z.object({
  webhookUrl: z.url().optional(),
  /** smtp://user:pass@host:port (or smtps://). */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional(),
  mailFrom: z.string().default('alerts@localhost'),
  mailTo: csv.default([]),
  /** Extra recipients when an alert escalates (default: mailTo). */
  escalationMailTo: csv.default([]),
  telegramToken: z.string().optional(),
  telegramChatId: z.string().optional(),
  /** Bot API base URL; tests point it at a local server. */
  telegramApiUrl: z.url().default('https://api.telegram.org'),
  /** Which transitions notify. */
  events: csv
    .pipe(z.array(z.enum(['raised', 'acknowledged', 'cleared', 'escalated'])))
    .default(['raised', 'escalated', 'cleared']),
  /** At most rateLimitCount notifications per alert id and channel within rateLimitWindowS. */
  rateLimitCount: z.coerce.number().int().positive().default(6),
  rateLimitWindowS: z.coerce.number().positive().default(3600),
  timeoutMs: z.coerce.number().int().positive().default(10_000),
  /** Language of e-mail and Telegram texts (FLOWS_LANGUAGE). */
  language: z.enum(Languages).default(DEFAULT_LANGUAGE),
});
export type NotifyNodeConfig = z.infer<typeof NotifyNodeConfigSchema>;

export function parseNodeConfig<S extends z.ZodType>(schema: S, props: Record<string, unknown>): z.infer<S> {
  return parseConfig(schema, unset(props));
}
