import type { PointWriter } from '../lib/influx/write-error.ts';
import type { Logger } from '../lib/log.ts';
import type { IngestConfig } from './config.ts';
import { Reasons } from './core/reasons.ts';
import { Drainer } from './drain.ts';
import { GroupCommit } from './group-commit.ts';
import { sleep } from './lifecycle.ts';
import type { DeadLetter } from './messages/dead-letter.ts';
import type { IngestMetrics } from './metrics.ts';
import type { Spool } from './spool/spool.ts';

export type SpoolDrain = {
  spool: Spool;
  /** Appends one event-loop turn's readings to the spool in one write (MQTT path). */
  commits: GroupCommit;
  /** Resolves when every reading spooled so far is written or dead-lettered. */
  idle(): Promise<void>;
  /**
   * Drains for up to `stopWaitMs`, then stops; what is not written yet stays in the spool (logged at
   * warn with its count and folder) and drains after the next start.
   */
  close(): Promise<void>;
};

/** How long a stop waits for the spool to drain before it leaves the rest for the next start. */
export const STOP_WAIT_MS = 5000;

/**
 * The spool (the readings acknowledged and not yet in InfluxDB), already draining: a spool left by a
 * previous run drains first. What InfluxDB refuses for good is dead-lettered. The spool is opened
 * (and locked) by the caller, before anything connects.
 */
export function startSpoolDrain(
  spool: Spool,
  config: IngestConfig,
  writer: PointWriter,
  metrics: IngestMetrics,
  deadLetter: DeadLetter,
  log: Logger,
  stopWaitMs = STOP_WAIT_MS,
): SpoolDrain {
  metrics.reportSpool(spool);
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
    log.info(
      { readings: spool.depth, dir: spool.dir },
      'spool holds readings from a previous run; draining them',
    );
  drainer.start();

  const commits = new GroupCommit(spool, {
    onWritten: () => {}, // the backlog gauges read the spool at each scrape (metrics.ts)
    // Disk full or an I/O error: the socket is gone with its PUBACKs; the broker redelivers later.
    onFailed: (err) => log.error({ err }, 'spool append failed; reconnecting without acknowledging'),
  });

  return {
    spool,
    commits,
    idle: () => drainer.idle(),
    async close() {
      await Promise.race([drainer.idle(), sleep(stopWaitMs)]);
      await drainer.close();
      commits.flush(); // readings decoded in this last turn; their PUBACKs went nowhere, the broker resends
      const undrained = spool.depth;
      spool.close();
      if (undrained > 0)
        log.warn(
          { undrained, dir: spool.dir, waitedMs: stopWaitMs },
          'stopped with readings not yet in InfluxDB: they stay in the spool and drain at the next start',
        );
    },
  };
}
