import { z } from 'zod';
import { envFlag } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';

const password = (min: number) => z.string().min(min, `at least ${min} characters`);

/**
 * The variables of deploy/.env.example that no service reads under that name: docker-compose.yml
 * hands them to InfluxDB, Grafana and the published ports, or renames them for a service (the ingest's
 * MQTT_PASSWORD is INGEST_MQTT_PASSWORD here). Every other name in the file is a service's own setting.
 */
export const ComposeSettings = [
  setting({
    env: 'INFLUX_RETENTION',
    schema: z.string().regex(/^(\d+(ns|us|ms|s|m|h|d|w))+$/, 'an InfluxDB duration such as 400d'),
    optional: true,
    meaning: 'retention of the bucket at first start (e.g. `400d`); empty keeps data forever',
  }),
  setting({
    env: 'INFLUX_ADMIN_USER',
    schema: z.string().min(1),
    default: 'admin',
    meaning: 'InfluxDB admin created at first start',
  }),
  setting({
    env: 'INFLUX_ADMIN_PASSWORD',
    schema: password(8),
    secret: true,
    meaning: "that admin's password",
  }),
  setting({
    env: 'INFLUX_ADMIN_TOKEN',
    schema: password(16),
    secret: true,
    meaning: 'all-access token of the setup; stays inside the influxdb container (no service gets it)',
  }),
  setting({
    env: 'INFLUX_INGEST_USERNAME',
    schema: z.string().min(1),
    default: 'ingest',
    meaning: "the ingest's InfluxDB login: write only, on the bucket (`deploy/influxdb/init/10-v1-users.sh`)",
  }),
  setting({
    env: 'INFLUX_INGEST_PASSWORD',
    schema: password(8),
    secret: true,
    meaning: "that login's password",
  }),
  setting({
    env: 'INFLUX_FLOWS_USERNAME',
    schema: z.string().min(1),
    default: 'flows',
    meaning: "the flows' InfluxDB login (alert and ISPU points): write only, on the bucket",
  }),
  setting({
    env: 'INFLUX_FLOWS_PASSWORD',
    schema: password(8),
    secret: true,
    meaning: "that login's password",
  }),
  setting({
    env: 'INFLUX_READ_USERNAME',
    schema: z.string().min(1),
    default: 'reader',
    meaning: "read-only InfluxQL user (deploy/influxdb/init): Grafana's and the console's `INFLUX_USERNAME`",
  }),
  setting({
    env: 'INFLUX_READ_PASSWORD',
    schema: password(8),
    secret: true,
    meaning: "that user's password",
  }),
  setting({
    env: 'INGEST_MQTT_PASSWORD',
    schema: password(16),
    secret: true,
    meaning: "the ingest's `MQTT_PASSWORD`; provision stores its hash in the registry",
  }),
  setting({
    env: 'PROVISION_SIMULATOR_DEVICES',
    schema: z.boolean(),
    default: false,
    fromEnv: envFlag,
    meaning: 'provision the simulated stations as devices (demo profile only)',
  }),
  setting({
    env: 'COMPOSE_PROFILES',
    schema: z.string(),
    optional: true,
    meaning: "Docker Compose's own: `demo` adds the simulators",
  }),
  setting({
    env: 'BROKER_TLS_PUBLISH_ADDRESS',
    schema: z.ipv4(),
    default: '0.0.0.0',
    meaning: 'host address MQTT over TLS 8883 is published on (`0.0.0.0`: every interface)',
  }),
  setting({
    env: 'BROKER_PLAINTEXT_PUBLISH_ADDRESS',
    schema: z.ipv4(),
    default: '127.0.0.1',
    meaning: 'host address plaintext MQTT 1883 is published on; `0.0.0.0` only on a network you control',
  }),
  setting({
    env: 'INGEST_PUBLISH_ADDRESS',
    schema: z.ipv4(),
    default: '127.0.0.1',
    meaning: 'host address HTTP ingest 9102 is published on (put a TLS proxy in front before `0.0.0.0`)',
  }),
  setting({
    env: 'PUBLISH_ADDRESS',
    schema: z.ipv4(),
    default: '127.0.0.1',
    meaning: 'host address of the web ports: console 8080, Grafana 3000, Node-RED 1880, InfluxDB 8086',
  }),
  setting({
    env: 'GRAFANA_ADMIN_USER',
    schema: z.string().min(1),
    default: 'admin',
    meaning: 'Grafana admin',
  }),
  setting({
    env: 'GRAFANA_ADMIN_PASSWORD',
    schema: z.string().min(1),
    secret: true,
    meaning: 'its password',
  }),
];
