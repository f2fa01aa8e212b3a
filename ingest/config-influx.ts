import { z } from 'zod';
import { setting } from '../lib/settings/declare.ts';

/** The ingest's InfluxDB target, 1.x (`/write`) or 2.x (`/api/v2/write`): one of the two variants of config.ts. */

/** INFLUX_VERSION: `2` picks the v2 writer, anything else the v1 one. */
const influxVersion = (raw: string | undefined) => (raw === '2' ? 2 : 1);
const VERSION_MEANING =
  '`1`: `POST /write` (InfluxDB 1.x, or the v1-compatibility API of 2.x/3.x); `2`: `/api/v2/write` with the official client';
const URL_MEANING = 'InfluxDB base URL';
const V2_ONLY = 'required for v2';

export const InfluxV1Settings = {
  version: setting({
    env: 'INFLUX_VERSION',
    schema: z.literal(1),
    default: 1,
    fromEnv: influxVersion,
    meaning: VERSION_MEANING,
  }),
  url: setting({
    env: 'INFLUX_URL',
    schema: z.url(),
    default: 'http://127.0.0.1:8086',
    shown: '`http://127.0.0.1:8086` (v1); required for v2',
    meaning: URL_MEANING,
  }),
  database: setting({
    env: 'INFLUX_DATABASE',
    schema: z.string().min(1),
    default: 'environment',
    meaning: 'v1: database (`db=`)',
  }),
  retentionPolicy: setting({
    env: 'INFLUX_RETENTION_POLICY',
    schema: z.string(),
    optional: true,
    meaning: 'v1: retention policy (`rp=`)',
  }),
  username: setting({
    env: 'INFLUX_USERNAME',
    schema: z.string(),
    optional: true,
    meaning: 'v1: user for HTTP Basic auth (sent when set)',
  }),
  password: setting({
    env: 'INFLUX_PASSWORD',
    schema: z.string(),
    optional: true,
    secret: true,
    meaning: "v1: that user's password",
  }),
};
export const InfluxV2Settings = {
  version: setting({
    env: 'INFLUX_VERSION',
    schema: z.literal(2),
    fromEnv: influxVersion,
    meaning: VERSION_MEANING,
  }),
  url: setting({ env: 'INFLUX_URL', schema: z.url(), meaning: URL_MEANING }),
  org: setting({ env: 'INFLUX_ORG', schema: z.string().min(1), shown: V2_ONLY, meaning: 'v2: organisation' }),
  bucket: setting({ env: 'INFLUX_BUCKET', schema: z.string().min(1), shown: V2_ONLY, meaning: 'v2: bucket' }),
  token: setting({
    env: 'INFLUX_TOKEN',
    schema: z.string().min(1),
    secret: true,
    shown: V2_ONLY,
    meaning: 'v2: API token with write access to the bucket',
  }),
};

/** Ingest settings, each with its variable (ingest/README.md "Configuration" is generated from them). */
