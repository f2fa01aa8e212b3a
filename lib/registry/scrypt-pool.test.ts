import { scryptSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ScryptPool, VerifierBusy } from './scrypt-pool.ts';
import { hashSecret, verifySecret } from './secrets.ts';

const cost = { N: 1024, r: 8, p: 1 };

describe('ScryptPool', () => {
  let pool: ScryptPool | undefined;
  afterEach(async () => pool?.close());

  it("derives the same key as Node's scrypt, on its threads", async () => {
    pool = new ScryptPool({ threads: 2, maxQueued: 4 });
    const salt = Buffer.from('0123456789abcdef');
    const key = await pool.derive('secret', salt, cost, 32);
    expect(key.equals(scryptSync('secret', salt, 32, cost))).toBe(true);
    const stored = await hashSecret('right', cost);
    expect(await verifySecret('right', stored, pool.derive)).toBe(true);
    expect(await verifySecret('wrong', stored, pool.derive)).toBe(false);
  });

  it('runs at most `threads` at once and refuses past the queue, without waiting', async () => {
    let runs = 0;
    pool = new ScryptPool({ threads: 1, maxQueued: 2, onRun: () => runs++ });
    const salt = Buffer.alloc(16);
    const slow = { N: 2 ** 14, r: 8, p: 1 };
    const results = Array.from({ length: 6 }, (_, i) =>
      pool?.derive(`s${i}`, salt, slow, 32).then(
        () => 'derived',
        (err: Error) => (err instanceof VerifierBusy ? 'busy' : err.message),
      ),
    );
    expect([pool.running, pool.waiting]).toEqual([1, 2]);
    expect(await Promise.all(results)).toEqual(['derived', 'derived', 'derived', 'busy', 'busy', 'busy']);
    expect([pool.running, pool.waiting]).toEqual([0, 0]);
    expect(runs).toBe(3); // refused checks cost no scrypt
  });

  it('lowers the priority of its threads only (Linux: a nice value per thread)', async () => {
    pool = new ScryptPool({ threads: 1, maxQueued: 0, nice: 10 });
    await pool.derive('x', Buffer.alloc(16), cost, 32);
    if (!existsSync('/proc/self/task')) return expect(process.platform).not.toBe('linux');
    const niceOf = (name: string) =>
      readdirSync('/proc/self/task')
        .map((task) => readFileSync(`/proc/self/task/${task}/stat`, 'utf8'))
        .filter((stat) => stat.includes(`(${name})`))
        // Field 19 of stat(5) is the nice value; fields are counted after the parenthesised name.
        .map((stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    expect(niceOf('WorkerThread')).toContain(10);
    expect(niceOf('MainThread')).toEqual([0]);
  });

  it('fails what is pending when closed', async () => {
    pool = new ScryptPool({ threads: 1, maxQueued: 1 });
    const pending = pool.derive('x', Buffer.alloc(16), { N: 2 ** 14, r: 8, p: 1 }, 32);
    const failed = expect(pending).rejects.toThrow(/closed/);
    await pool.close();
    await failed;
  });
});
