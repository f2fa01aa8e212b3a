import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launch } from '../../lib/process/launcher.ts';
import { freePort, nodeBinary } from '../../lib/process/ports.ts';

export type NodeRedPeerOptions = {
  mqttPort: number;
  username: string;
  password: string;
  influxUrl: string;
  database: string;
  /** A folder the caller removes: Node-RED's userDir goes in it. */
  work: string;
};

export type NodeRedPeer = { pid: number; output(): string; stop(): Promise<void> };

const here = import.meta.dirname;
const RED = resolve(here, '../../node_modules/node-red/red.js');

/**
 * Node-RED running this folder's flow (mqtt in -> function -> join of 1,000 -> influxdb batch) in a
 * fresh userDir. Hosts and ports reach the flow as ${ENV}; the MQTT login goes in flows_cred.json,
 * which Node-RED reads as plain JSON because settings.cjs sets `credentialSecret: false`.
 * Readiness is the caller's to check (a reading that comes out in InfluxDB): the flow has no HTTP.
 */
export async function startNodeRedPeer(options: NodeRedPeerOptions): Promise<NodeRedPeer> {
  const userDir = await mkdtemp(join(options.work, 'nodered-'));
  await copyFile(join(here, 'flows.json'), join(userDir, 'flows.json'));
  await writeFile(
    join(userDir, 'flows_cred.json'),
    JSON.stringify({ 'peer-broker': { user: options.username, password: options.password } }),
  );
  const influx = new URL(options.influxUrl);
  const child = await launch({
    name: 'Node-RED peer',
    command: nodeBinary(),
    args: [RED, '--settings', join(here, 'settings.cjs'), '--userDir', userDir],
    env: {
      ...process.env,
      BENCH_NODERED_PORT: String(await freePort()),
      BENCH_MQTT_PORT: String(options.mqttPort),
      BENCH_INFLUX_HOST: influx.hostname,
      BENCH_INFLUX_PORT: influx.port,
      BENCH_INFLUX_DATABASE: options.database,
    },
    tailLines: 100,
    stopTimeoutMs: 5000,
  });
  return {
    pid: child.pid,
    output: child.output,
    async stop() {
      await child.stop();
    },
  };
}
