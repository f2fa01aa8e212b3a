import { z } from 'zod';
import { envFlag } from '../lib/config.ts';
import { DEFAULT_LANGUAGE, Languages } from '../lib/i18n/index.ts';
import { passThrough, setting } from '../lib/settings/declare.ts';
import { LogLevelSetting } from '../lib/settings/log-level.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';
import { NotifyNodeConfigSchema } from './node-config.ts';

const optionalText = (env: string, fallback: string, meaning: string, secret?: true) =>
  setting({ env, fallback, schema: z.string(), optional: true, meaning, ...(secret && { secret }) });

// The depok-notify node validates these and holds their defaults (node-config.ts); the table shows them.
const notify = NotifyNodeConfigSchema.shape;
const notifySetting = (env: string, schema: z.ZodType, meaning: string, extra: { secret?: true } = {}) =>
  setting({ env, schema, meaning, deploy: true, ...extra });

/** Settings of the flows service, each with its variable (flows/README.md "Configuration" is generated). */
export const FlowsSettings = {
  mqtt: {
    url: setting({
      env: 'FLOWS_MQTT_URL',
      fallback: 'MQTT_URL',
      schema: z.string().regex(/^(mqtt|tcp):\/\/[^/:]+:\d+\/?$/, 'an mqtt://host:port URL'),
      default: 'mqtt://127.0.0.1:1883',
      meaning: 'broker (`mqtt://host:port`)',
    }),
    username: setting({
      env: 'FLOWS_MQTT_USERNAME',
      schema: z.string().min(1),
      default: 'flows',
      meaning: 'service account with role `flows`',
    }),
    password: setting({
      env: 'FLOWS_MQTT_PASSWORD',
      schema: z.string().min(1, 'FLOWS_MQTT_PASSWORD is required: the broker admits no anonymous clients'),
      secret: true,
      meaning: 'its secret',
    }),
    clientId: setting({
      env: 'FLOWS_MQTT_CLIENT_ID',
      schema: z.string().min(1),
      default: 'flows',
      meaning: 'persistent-session id: the broker keeps readings for Node-RED while it restarts',
    }),
  },
  influx: {
    version: setting({
      env: 'FLOWS_INFLUX_VERSION',
      fallback: 'INFLUX_VERSION',
      schema: z.union([z.literal(1), z.literal(2)]),
      default: 1,
      fromEnv: (raw) => (raw === '2' ? 2 : 1),
      meaning: 'InfluxDB API the depok-influx node writes with: `1` (`/write`) or `2` (`/api/v2/write`)',
    }),
    url: setting({
      env: 'FLOWS_INFLUX_URL',
      fallback: 'INFLUX_URL',
      schema: z.url(),
      default: 'http://127.0.0.1:8086',
      meaning: 'InfluxDB base URL',
    }),
    database: setting({
      env: 'FLOWS_INFLUX_DATABASE',
      fallback: 'INFLUX_DATABASE',
      schema: z.string().min(1),
      default: 'environment',
      meaning: 'v1: database',
    }),
    retentionPolicy: optionalText(
      'FLOWS_INFLUX_RETENTION_POLICY',
      'INFLUX_RETENTION_POLICY',
      'v1: retention policy',
    ),
    username: optionalText('FLOWS_INFLUX_USERNAME', 'INFLUX_USERNAME', 'v1: HTTP Basic auth user'),
    password: optionalText('FLOWS_INFLUX_PASSWORD', 'INFLUX_PASSWORD', "v1: that user's password", true),
    org: optionalText('FLOWS_INFLUX_ORG', 'INFLUX_ORG', 'v2: organisation'),
    bucket: optionalText('FLOWS_INFLUX_BUCKET', 'INFLUX_BUCKET', 'v2: bucket'),
    token: optionalText('FLOWS_INFLUX_TOKEN', 'INFLUX_TOKEN', 'v2: API token', true),
  },
  host: setting({
    env: 'FLOWS_HOST',
    schema: z.string(),
    default: '127.0.0.1',
    meaning: 'editor and HTTP API address',
  }),
  port: setting({
    env: 'FLOWS_PORT',
    schema: z.coerce.number().int().min(0).max(65535),
    default: 1880,
    meaning: 'editor and HTTP API port (`0`: a free one)',
  }),
  stateDir: setting({
    env: 'FLOWS_STATE_DIR',
    schema: z.string(),
    default: 'state/flows',
    meaning:
      'alert state, Node-RED user folder (deployed flows), generated editor password and credential key; unset: `$STATE_DIR/flows` when `STATE_DIR` is set',
  }),
  rulesFile: setting({
    env: 'FLOWS_RULES_FILE',
    schema: z.string(),
    optional: true,
    shown: '`flows/rules.json`',
    meaning: 'alert rules',
  }),
  overridesFile: setting({
    env: 'FLOWS_RULES_OVERRIDES',
    schema: z.string(),
    optional: true,
    meaning: 'local overrides of the rules (per kind and station)',
  }),
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string(),
    optional: true,
    meaning:
      "the broker's registry file, re-read when it changes: every device not revoked is watched for silence from the start, reported or not",
  }),
  // Issue 15: maintenance windows mute alerts. The console's RECORDS_PATH unless set for the flows.
  recordsPath: setting({
    env: 'FLOWS_RECORDS_PATH',
    fallback: 'RECORDS_PATH',
    schema: z.string(),
    optional: true,
    meaning:
      'the records database (maintenance windows), read-only, re-read every minute and when it changes: alerts raised while their station is in a window are muted; unset or missing: no windows',
  }),
  tickMs: setting({
    env: 'FLOWS_TICK_MS',
    schema: z.coerce.number().int().min(50),
    default: 5000,
    meaning: 'how often stale sensors and escalations are checked',
  }),
  snapshotMs: setting({
    env: 'FLOWS_SNAPSHOT_MS',
    schema: z.coerce.number().int().min(100),
    default: 30_000,
    meaning: 'evaluator state (means, last values) save interval; alerts are saved on every transition',
  }),
  escalateAfterS: setting({
    env: 'FLOWS_ESCALATE_AFTER_S',
    schema: z.coerce.number().min(0),
    default: 1800,
    meaning: "escalate alerts unacknowledged this long (0 = never; a rule's `escalateAfterS` wins)",
  }),
  // Alerts are made without a reader: they are worded in the deployment's language (the console words
  // them again in each viewer's, from the alert's structured `text`).
  language: setting({
    env: 'FLOWS_LANGUAGE',
    schema: z.enum(Languages),
    default: DEFAULT_LANGUAGE,
    meaning: 'language of alert messages and notifications: `id` (Bahasa Indonesia) or `en` (English)',
  }),
  apiToken: setting({
    env: 'FLOWS_API_TOKEN',
    schema: z.string().min(16, 'FLOWS_API_TOKEN must be at least 16 characters'),
    optional: true,
    secret: true,
    deploy: true,
    meaning: 'bearer token of the HTTP API, at least 16 characters; without it the API answers 503',
  }),
  admin: {
    username: setting({
      env: 'FLOWS_ADMIN_USER',
      schema: z.string().min(1),
      default: 'admin',
      meaning: 'Node-RED editor login',
    }),
    passwordHash: setting({
      env: 'FLOWS_ADMIN_PASSWORD_HASH',
      schema: z.string().regex(/^\$2[aby]\$\d\d\$/, 'a bcrypt hash ($2b$...)'),
      optional: true,
      shown: 'generated',
      meaning:
        'its bcrypt hash; without one a password is generated once into `<state>/editor-password` (0600)',
    }),
  },
  allowDangerousNodes: setting({
    env: 'FLOWS_ALLOW_DANGEROUS_NODES',
    schema: z.boolean(),
    default: false,
    fromEnv: envFlag,
    meaning:
      'turn Node-RED\'s exec, function, file, watch, tcp and udp nodes back on (shell, JavaScript, files, raw sockets; see "Security")',
  }),
  notify: passThrough([
    notifySetting('FLOWS_WEBHOOK_URL', notify.webhookUrl, 'webhook channel: alerts are POSTed here', {
      secret: true,
    }),
    notifySetting('FLOWS_SMTP_URL', notify.smtpUrl, 'e-mail channel: `smtp://user:pass@host:port`', {
      secret: true,
    }),
    notifySetting('FLOWS_MAIL_FROM', notify.mailFrom, 'sender address'),
    notifySetting(
      'FLOWS_MAIL_TO',
      notify.mailTo,
      'recipients, comma-separated (the e-mail channel needs them)',
    ),
    notifySetting(
      'FLOWS_ESCALATION_MAIL_TO',
      notify.escalationMailTo,
      'where escalations are mailed instead (unset: `FLOWS_MAIL_TO`)',
    ),
    notifySetting('FLOWS_TELEGRAM_TOKEN', notify.telegramToken, 'Telegram channel: bot token', {
      secret: true,
    }),
    notifySetting('FLOWS_TELEGRAM_CHAT_ID', notify.telegramChatId, 'chat the bot writes to'),
    setting({ env: 'FLOWS_TELEGRAM_API_URL', schema: notify.telegramApiUrl, meaning: 'Bot API base URL' }),
    setting({ env: 'FLOWS_NOTIFY_EVENTS', schema: notify.events, meaning: 'transitions that notify' }),
    setting({
      env: 'FLOWS_NOTIFY_RATE_COUNT',
      schema: notify.rateLimitCount,
      meaning: 'notifications per alert and channel within the window below',
    }),
    setting({ env: 'FLOWS_NOTIFY_RATE_WINDOW_S', schema: notify.rateLimitWindowS, meaning: 'that window' }),
  ]),
  logLevel: LogLevelSetting,
  startTimeoutMs: z.coerce.number().int().positive().default(30_000),
};

export const FlowsConfigSchema = settingsSchema(FlowsSettings);
export type FlowsConfig = z.infer<typeof FlowsConfigSchema>;
export type FlowsConfigInput = z.input<typeof FlowsConfigSchema>;

/** The only reader of process.env in the flows; FLOWS_* variables fall back to the stack's where declared. */
export function flowsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FlowsConfig {
  // `npm start` gives one state folder; the flows keep theirs inside it.
  const stateDir = env.FLOWS_STATE_DIR ?? (env.STATE_DIR ? `${env.STATE_DIR}/flows` : undefined);
  return settingsFromEnv(FlowsSettings, FlowsConfigSchema, { ...env, FLOWS_STATE_DIR: stateDir });
}
