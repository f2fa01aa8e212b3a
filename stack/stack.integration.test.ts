import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { freePort, waitFor } from '../lib/process/ports.ts';
import { influxCount } from '../testkit/influxd.ts';
import { StackConfigSchema } from './config.ts';
import { type StackService, startStack } from './start.ts';

// `npm start` as a test: the same startStack, on free ports with its own state folder.
describe('npm start: the whole stack', () => {
  let stack: StackService | undefined;
  let stateDir = '';
  afterAll(async () => {
    await stack?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('puts readings of all three kinds into InfluxDB, serves the console and the flows editor, and stops', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'stack-'));
    const config = StackConfigSchema.parse({
      stateDir,
      influxPort: await freePort(),
      brokerPort: await freePort(),
      intervalMs: 500,
    });
    stack = await startStack(config, silentLogger(), {
      ...process.env,
      BROKER_HTTP_PORT: '0',
      INGEST_HTTP_PORT: '0',
      FLOWS_PORT: '0',
      CONSOLE_HTTP_PORT: '0',
      PUBLIC_PORT: '0',
      FLOWS_TICK_MS: '500',
    });
    const { influxUrl } = stack;
    // InfluxDB needs a login now (issue 12): the read-only one, as the README's curl uses it.
    const reader = {
      username: 'reader',
      password: (await readFile(join(stateDir, 'influxdb-reader-password'), 'utf8')).trim(),
    };
    const fields = { air_quality: 'pm25', wastewater: 'ph', water_network: 'pressure' };
    for (const [kind, field] of Object.entries(fields))
      await waitFor(
        async () => (await influxCount(influxUrl, 'environment', kind, field, reader)) > 0,
        30_000,
        `${kind} points`,
      );

    // Logins exist and are not defaults: both passwords were generated into the state folder.
    expect((await readFile(join(stateDir, 'console-admin-password'), 'utf8')).trim().length).toBeGreaterThan(
      16,
    );
    expect(
      (await readFile(join(stateDir, 'flows', 'editor-password'), 'utf8')).trim().length,
    ).toBeGreaterThan(16);
    const page = await fetch(`${stack.consoleUrl}/api/status`);
    expect(page.status).toBe(401); // the console needs a login
    const editor = await fetch(`${stack.flowsUrl}/flows`);
    expect(editor.status).toBe(401); // so does the Node-RED admin API

    // The public service (issue 17): no login, its own read-only InfluxDB login, public stations only.
    const publicUrl = stack.publicUrl;
    const stations = (await (await fetch(`${publicUrl}/open/v1/stations`)).json()) as { data: { id: string }[] };
    expect(stations.data).toHaveLength(34); // 37 in depok.json, three self-monitoring outfalls
    expect(stations.data.map((s) => s.id)).not.toContain('ww-industri-tapos-01');
    await waitFor(
      async () => {
        const latest = await fetch(`${publicUrl}/open/v1/latest`);
        const rows = ((await latest.json()) as { data: { value: number | null }[] }).data;
        return latest.status === 200 && rows.some((r) => r.value !== null);
      },
      30_000,
      'public latest values',
    );

    await stack.close();
    stack = undefined;
    await expect(fetch(`${influxUrl}/ping`)).rejects.toThrow();
  }, 90_000);
});
