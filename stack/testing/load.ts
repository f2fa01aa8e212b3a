import type { MqttClient } from 'mqtt';
import { topics } from '../../lib/catalogue/topics.ts';

export type LoadResult = { sent: number; acked: number; failed: number };

/**
 * Publishes water-network readings at QoS 1 from each device at a steady aggregate rate for a while.
 * Every reading has its own device time (base + index ms), so each is a distinct InfluxDB point.
 * Resolves when every publish has been acknowledged or has failed.
 */
export async function publishSteady(
  devices: readonly { id: string; client: MqttClient }[],
  options: { ratePerSec: number; durationMs: number; baseTs: number },
): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, acked: 0, failed: 0 };
  const total = Math.round((options.ratePerSec * options.durationMs) / 1000);
  const pending: Promise<void>[] = [];
  const started = Date.now();
  const tickMs = 20;
  let index = 0;
  while (index < total) {
    const due = Math.min(total, Math.round(((Date.now() - started) / 1000) * options.ratePerSec) + 1);
    for (; index < due; index++) {
      const device = devices[index % devices.length];
      if (!device) break;
      const payload = JSON.stringify({
        ts: options.baseTs + index,
        seq: index,
        values: { pressure: 2 + (index % 100) / 100 },
      });
      result.sent++;
      pending.push(
        device.client.publishAsync(topics.reading('water_network', device.id), payload, { qos: 1 }).then(
          () => {
            result.acked++;
          },
          () => {
            result.failed++;
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(pending);
  return result;
}
