import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../../lib/log.ts';
import type { Forward } from '../messages/forward.ts';
import type { Prepare } from '../messages/prepare.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { SpoolDrain } from '../spool-drain.ts';

export type MessageDeps = {
  prepare: Prepare;
  forward: Forward;
  spoolDrain: Pick<SpoolDrain, 'spool' | 'commits'>;
  metrics: IngestMetrics;
  log: Logger;
};

/**
 * Installs the handler of the devices' messages. Installed before connecting: a persistent session
 * delivers its queue right after CONNACK. mqtt.js sends the PUBACK when `done` runs; the group commit
 * holds it in the corked socket until the readings are in the spool (ingest/README.md, "Spool and
 * delivery guarantee"). When the spool is full `done` waits, and the broker holds the rest.
 */
export function handleMessages(client: MqttClient, deps: MessageDeps): void {
  const { prepare, forward, metrics, log } = deps;
  const { spool, commits } = deps.spoolDrain;
  client.handleMessage = (packet: IPublishPacket, done) => {
    // Packets already parsed when close() began: leave them unacknowledged; the broker redelivers them.
    if (client.disconnecting || client.disconnected) return;
    metrics.received.inc();
    if (packet.dup) metrics.duplicates.inc();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const { entries, stored, rejection } = prepare(packet.topic, payload);
    if (rejection && stored.length === 0) return done();
    commits.add(client.stream, entries, () => forward(stored));
    if (!spool.full) return done();
    metrics.spoolFull.inc();
    log.warn({ bytes: spool.bytes }, 'spool full: acknowledgements paused until InfluxDB catches up');
    spool.waitForSpace().then(() => done());
  };
}
