import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openRecords, type Records } from '../lib/records/database.ts';
import {
  type FlowsHarness,
  type Received,
  recorder,
  startFlowsHarness,
  startReceivers,
} from './flows-harness.ts';

/** What the maintenance-window tests run against (see startMaintenanceRig). */
export type MaintenanceRig = {
  h: FlowsHarness;
  receivers: Awaited<ReturnType<typeof startReceivers>>;
  /** The records database the console would write the windows into (a temp file). */
  records: Records;
  /** The one water-network device, wn-01, connected. */
  device: MqttClient;
  /** Everything published on alerts/# (as the console's dashboard account sees it). */
  alerts: { client: MqttClient; messages: Received[] };
  close(): Promise<void>;
};

/**
 * Real Node-RED flows over one water-network station (wn-01) reading a temp records database, with the
 * notification receivers and an alerts recorder. `ingestReadsRecords`: the pipeline's ingest reads the
 * same database (values in a window coded 16), as `npm start` wires it.
 */
export async function startMaintenanceRig(options: { ingestReadsRecords: boolean }): Promise<MaintenanceRig> {
  const receivers = await startReceivers();
  const dir = await mkdtemp(join(tmpdir(), 'maintenance-rig-'));
  const recordsPath = join(dir, 'records.db');
  const records = openRecords(recordsPath);
  const h = await startFlowsHarness([{ id: 'wn-01', kind: 'water_network' }], {
    notify: receivers.env,
    config: { recordsPath },
    ...(options.ingestReadsRecords ? { pipeline: { recordsPath } } : {}),
  });
  const alerts = await recorder(h.pipeline, ['alerts/#'], 'dashboard:alerts');
  const device = await h.pipeline.device('wn-01');
  return {
    h,
    receivers,
    records,
    device,
    alerts,
    async close() {
      await Promise.all([alerts.client.endAsync(true), device.endAsync(true)]);
      await h.close();
      await receivers.close();
      records.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
