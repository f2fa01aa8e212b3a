import type { MqttClient } from 'mqtt';
import { topics } from '../lib/catalogue/topics.ts';

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

export type LoadDevice = { id: string; kind: string; client: MqttClient };

/**
 * A six-field water-network reading (docs/ARCHITECTURE.md's reference figures use six fields). Reading `index`
 * has device time `baseTs + index` ms, so every reading is its own InfluxDB point whichever station
 * sends it, and `seq` = index lets a query name exactly which readings are stored.
 */
export function benchReading(index: number, baseTs: number): string {
  const wave = index % 100;
  return `{"ts":${baseTs + index},"seq":${index},"values":{"pressure":${2 + wave / 100},"flow":${40 + wave / 10},"free_chlorine":0.3${wave % 10},"turbidity":0.${(wave % 9) + 1},"ph":7.${wave % 10},"tank_level":${12 + wave / 50}}}`;
}

export type BlastOptions = {
  total: number;
  baseTs: number;
  /** QoS 1 publishes each device may have awaiting their PUBACK: the flow control of a real device. */
  window: number;
  /** Updated as PUBACKs arrive, for progress reports. */
  progress?: { acked: number };
};

/**
 * Every device publishes as fast as its PUBACKs come back (at most `window` in flight each) until
 * `total` readings are sent, so the rate is what the broker sustains. Resolves with the acknowledged
 * count once the last PUBACK is in; a failed publish rejects (a benchmark must not hide a loss).
 */
export function publishAsFastAsAcked(devices: readonly LoadDevice[], options: BlastOptions): Promise<number> {
  let next = 0;
  let acked = 0;
  return new Promise((resolve, reject) => {
    const send = (device: LoadDevice) => {
      if (next >= options.total) return;
      const index = next++;
      const topic = topics.reading(device.kind, device.id);
      device.client.publish(topic, benchReading(index, options.baseTs), { qos: 1 }, (err) => {
        if (err) return reject(err);
        acked++;
        if (options.progress) options.progress.acked = acked;
        if (acked === options.total) return resolve(acked);
        send(device);
      });
    };
    for (let w = 0; w < options.window; w++) for (const device of devices) send(device);
  });
}

export type PacedOptions = {
  ratePerSec: number;
  total: number;
  baseTs: number;
  /** Called with the index and `performance.now()` just before each reading is handed to mqtt.js. */
  onPublish?: (index: number, at: number) => void;
};

/**
 * A steady aggregate rate (a tick every 5 ms sends what is due), round-robin over the devices.
 * Resolves with the acknowledged count once every PUBACK is in; a failed publish rejects.
 */
export async function publishPaced(devices: readonly LoadDevice[], options: PacedOptions): Promise<number> {
  let acked = 0;
  let failure: Error | undefined;
  const started = performance.now();
  let index = 0;
  while (index < options.total && !failure) {
    const due = Math.min(
      options.total,
      Math.ceil(((performance.now() - started) / 1000) * options.ratePerSec),
    );
    for (; index < due; index++) {
      const device = devices[index % devices.length] as LoadDevice;
      options.onPublish?.(index, performance.now());
      device.client.publish(
        topics.reading(device.kind, device.id),
        benchReading(index, options.baseTs),
        { qos: 1 },
        (err) => {
          if (err) failure = err;
          else acked++;
        },
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 60_000;
  while (acked < options.total && !failure && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  if (failure) throw failure;
  if (acked < options.total) throw new Error(`${options.total - acked} publishes never acknowledged`);
  return acked;
}
