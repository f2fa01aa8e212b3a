import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Level } from 'level';
import { type Logger, silentLogger } from '../lib/log.ts';
import { asyncPersistenceClass, pipeableRetained, type RetainedSource } from './aedes-internals.ts';
import { type BrokerConfig, persistenceDir } from './config.ts';
import { JournalPersistence } from './journal/persistence.ts';

const require = createRequire(import.meta.url);

/** The promise-based persistence aedes 1.x drives (aedes-persistence 11 API); setup must be async. */
export type AedesPersistence = { setup(broker: unknown): Promise<void>; destroy(): Promise<void> };

export type BrokerStorage = {
  persistence: AedesPersistence | undefined;
  /** A shared message bus for cluster mode (mqemitter-redis); undefined: aedes's in-process mqemitter. */
  mq: unknown;
  /** What the log may say about it (never the redis password). */
  describe: string;
  close(): Promise<void>;
};

function redisOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
  };
}

/**
 * journal (journal/persistence.ts, the default): aedes's in-memory persistence, every change appended
 * to a journal file before aedes is answered (one write per event-loop turn), replayed at start; the
 * same crash guarantee as level at about 4x its throughput, with the whole state in RAM.
 * level: sessions, QoS 1 queues and retained messages in a LevelDB folder (classic-level), written
 * without fsync: a process crash loses nothing the broker stored, a power cut may lose the last
 * writes the OS had not flushed. redis: the same state in Redis, plus mqemitter-redis as the bus, so
 * several broker processes act as one. The packages ship CommonJS with the async class in a subpath:
 * aedes 1.x refuses their callback wrappers (its setup must be an AsyncFunction).
 */
export async function openStorage(
  config: BrokerConfig,
  log: Logger = silentLogger(),
): Promise<BrokerStorage> {
  const { type } = config.persistence;
  if (type === 'memory')
    return { persistence: undefined, mq: undefined, describe: 'memory', close: async () => {} };
  if (type === 'journal') {
    const dir = persistenceDir(config);
    await mkdir(dir, { recursive: true });
    // Switching from level keeps nothing: say so rather than start empty without a word.
    if (existsSync(join(dir, 'CURRENT')) && !(await readdir(dir)).some((f) => f.startsWith('journal-')))
      log.warn(
        { dir },
        'LevelDB data in the persistence dir is not migrated to the journal: sessions start empty',
      );
    const persistence = new JournalPersistence({ dir, ...config.persistence.journal, log });
    return {
      persistence,
      mq: undefined,
      describe: `journal:${dir}`,
      close: () => persistence.destroy(),
    };
  }
  if (type === 'level') {
    const dir = persistenceDir(config);
    await mkdir(dir, { recursive: true });
    const AsyncLevel = asyncPersistenceClass('level');
    const persistence: AedesPersistence = new AsyncLevel(new Level(dir));
    return { persistence, mq: undefined, describe: `level:${dir}`, close: () => persistence.destroy() };
  }
  const url = config.persistence.redisUrl as string; // the schema requires it for type=redis
  const options = redisOptions(url);
  const AsyncRedis = asyncPersistenceClass('redis');
  const persistence = new AsyncRedis(options) as AedesPersistence & RetainedSource;
  // Its retained messages come as an async generator where aedes wants a stream (aedes-internals.ts).
  pipeableRetained(persistence);
  const mqemitterRedis = require('mqemitter-redis');
  const mq = mqemitterRedis(options) as { close(cb: () => void): void };
  return {
    persistence,
    mq,
    describe: `redis:${options.host}:${options.port}/${options.db}`,
    async close() {
      await persistence.destroy();
      // aedes.close() already closed the emitter; closing twice is a no-op in mqemitter-redis.
      await new Promise<void>((resolve) => mq.close(() => resolve()));
    },
  };
}
