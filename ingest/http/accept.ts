import { topics } from '../../lib/catalogue/topics.ts';
import type { Forward } from '../messages/forward.ts';
import type { Prepare } from '../messages/prepare.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { Spool } from '../spool/spool.ts';
import type { HttpIngest } from './readings-route.ts';

/**
 * The HTTP ingest's decode-and-spool step, by the same rule as MQTT: in the spool before the answer;
 * when it is full, nothing is taken (and nothing decoded or dead-lettered: the device sends the same
 * body again later).
 */
export function acceptIntoSpool(
  spool: Spool,
  prepare: Prepare,
  forward: Forward,
  metrics: IngestMetrics,
): HttpIngest['accept'] {
  return (kind, station, payload) => {
    if (spool.full) {
      metrics.spoolFull.inc();
      return { status: 'full' };
    }
    metrics.received.inc();
    const { entries, stored, rejection } = prepare(topics.reading(kind, station), payload);
    if (stored.length === 0) return { status: 'rejected', rejection };
    spool.append(entries);
    forward(stored);
    return { status: 'stored', readings: stored.length, rejection };
  };
}
