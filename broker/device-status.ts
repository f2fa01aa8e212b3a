import type { Aedes, Client } from 'aedes';
import { topics } from '../lib/catalogue/topics.ts';
import type { Logger } from '../lib/log.ts';
import type { Sessions } from './hooks.ts';

/**
 * Each device's `sensors/<kind>/<id>/status` says `online` or `offline`, retained, whatever the device
 * does: the broker publishes `online` when a device session is ready and `offline` when it ends (a
 * clean DISCONNECT discards the device's own will [MQTT-3.1.2-10], yet the device is offline). A session
 * replaced by a newer one with the same account [MQTT-3.1.4-2] stays silent: the new one is online.
 */
export function trackDeviceStatus(aedes: Aedes, sessions: Sessions, log: Logger) {
  const pending = new Set<Promise<void>>();
  const publish = (client: Client, payload: 'online' | 'offline') => {
    const identity = sessions.identities.get(client);
    if (identity?.type !== 'device') return;
    if (sessions.current.get(identity.id) !== client) return;
    if (payload === 'offline') sessions.current.delete(identity.id);
    const done = new Promise<void>((resolve) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic: topics.status(identity.kind, identity.id),
          payload: Buffer.from(payload),
          qos: 1,
          retain: true,
          dup: false,
        },
        (err) => {
          if (err) log.debug({ err: err.message, device: identity.id }, 'status publish failed');
          resolve();
        },
      );
    });
    pending.add(done);
    done.then(() => pending.delete(done));
  };
  aedes.on('clientReady', (client) => publish(client, 'online'));
  aedes.on('clientDisconnect', (client) => publish(client, 'offline'));
  return {
    /** Waits for status writes in flight, so storage is closed after them. */
    settled: () => Promise.all(pending).then(() => undefined),
  };
}
