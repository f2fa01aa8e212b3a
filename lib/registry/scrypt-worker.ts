/**
 * A scrypt-pool.ts worker: runs scryptSync on this thread. The async crypto.scrypt would queue on libuv's
 * threadpool, which is one per process (worker threads share it) and also carries the journal's writes.
 */
import { scryptSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { ScryptCost } from './secrets.ts';

export type DeriveRequest = {
  secret: string;
  salt: Uint8Array;
  cost: ScryptCost;
  keyLength: number;
  maxmem: number;
};
export type DeriveReply = { key: Uint8Array } | { error: string };

parentPort?.on('message', (request: DeriveRequest) => {
  let reply: DeriveReply;
  try {
    const { secret, salt, cost, keyLength, maxmem } = request;
    reply = { key: scryptSync(secret, salt, keyLength, { ...cost, maxmem }) };
  } catch (err) {
    reply = { error: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
