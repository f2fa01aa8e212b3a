/**
 * A scrypt-pool.ts worker: runs scryptSync on this thread. The async crypto.scrypt would queue on libuv's
 * threadpool, which is one per process (worker threads share it) and also carries the journal's writes.
 */
import { scryptSync } from 'node:crypto';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { ScryptCost } from './secrets.ts';

export type DeriveRequest = {
  secret: string;
  salt: Uint8Array;
  cost: ScryptCost;
  keyLength: number;
  maxmem: number;
};
export type DeriveReply = { key: Uint8Array } | { error: string };

// Linux gives each thread its own nice value and setpriority(0) means the calling thread (man 2
// setpriority, "NOTES"): only this thread yields to the event loop when both want the CPU. Elsewhere it
// may apply to the whole process or fail; the pool then asks for 0 and nothing changes.
const nice = (workerData as { nice?: number } | undefined)?.nice ?? 0;
if (nice !== 0) {
  try {
    setPriority(nice);
  } catch {
    // Not permitted here: scrypt runs at the process's priority.
  }
}

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
