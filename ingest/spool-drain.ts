import type { PointWriter } from '../lib/influx/write-error.ts';
import type { Logger } from '../lib/log.ts';
import type { IngestConfig } from './config.ts';
import { Reasons } from './core/reasons.ts';
import { Drainer } from './drain.ts';
import { GroupCommit } from './group-commit.ts';
import { sleep } from './lifecycle.ts';
import type { DeadLetter } from './messages/dead-letter.ts';
import type { IngestMetrics } from './metrics.ts';
import { Spool } from './spool/spool.ts';

export type SpoolDrain = {
  spool: Spool;
  /** Appends one event-loop turn's readings to the spool in one write (MQTT path). */
  commits: GroupCommit;
  /** Resolves when every reading spooled so far is written or dead-lettered. */
  idle(): Promise<void>;
  /** Stops draining; what is not written yet stays in the spool and drains after the next start. */
  close(): Promise<void>;
};

/**
 * The spool (the readings acknowledged and not yet in InfluxDB), already draining: a spool left by a
 * previous run drains first. What InfluxDB refuses for good is dead-lettered.
 */
export function startSpoolDrain(
  config: IngestConfig,
  writer: PointWriter,
  metrics: IngestMetrics,
  deadLetter: DeadLetter,
  log: Logger,
): SpoolDrain {
  const spool = Spool.open(config.spool);
  const drainer = new Drainer(
    spool,
    writer,
    config.batch,
    metrics,
    {
      onPermanentFailure: (entry, detail) =>
        deadLetter(entry.kind, entry.station, Reasons.writeRejected, detail),
      onRetry: (error, attempt, delayMs) =>
        log.warn(
          { err: error.message, status: error.status, attempt, delayMs },
          'influx write failed; retrying',
        ),
    },
    log,
  );
  if (spool.depth > 0)
    log.info({ readings: spool.depth }, 'spool holds readings from a previous run; draining them');
  drainer.start();

  const commits = new GroupCommit(spool, {
    onWritten: () => {
      // Kept current here too: while InfluxDB is down the drainer sits in one retry and cannot.
      metrics.spoolReadings.set(spool.depth);
      metrics.spoolBytes.set(spool.bytes);
    },
    // Disk full or an I/O error: the socket is gone with its PUBACKs; the broker redelivers later.
    onFailed: (err) => log.error({ err }, 'spool append failed; reconnecting without acknowledging'),
  });

  return {
    spool,
    commits,
    idle: () => drainer.idle(),
    async close() {
      await Promise.race([drainer.idle(), sleep(5000)]);
      await drainer.close();
      commits.flush(); // readings decoded in this last turn; their PUBACKs went nowhere, the broker resends
      spool.close();
    },
  };
}
