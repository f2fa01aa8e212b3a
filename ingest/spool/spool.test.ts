import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool, type SpoolOptions } from './spool.ts';

const dirs: string[] = [];
function options(overrides: Partial<SpoolOptions> = {}): SpoolOptions {
  const dir = mkdtempSync(join(tmpdir(), 'spool-'));
  dirs.push(dir);
  return { dir, maxBytes: 1 << 20, segmentBytes: 4096, fsync: 'none', fsyncIntervalMs: 1000, ...overrides };
}
const payload = (i: number) =>
  Buffer.from(`air_quality\tst-${i}\tair_quality,station=st-${i} pm25=${i} ${1000 + i}`);
const texts = (batch: { payloads: Buffer[] } | undefined) => batch?.payloads.map((p) => p.toString()) ?? [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('spool', () => {
  it('reads back what was appended, in order, across segments', () => {
    const spool = Spool.open(options());
    for (let i = 0; i < 300; i++) spool.append([payload(i)]);
    expect(spool.depth).toBe(300);
    const seen: string[] = [];
    for (let batch = spool.read(64); batch; batch = spool.read(64)) {
      seen.push(...texts(batch));
      spool.commit(batch.end, batch.payloads.length);
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => payload(i).toString()));
    expect(spool.depth).toBe(0);
    spool.close();
  });

  it('deletes drained segments and keeps the one being written', () => {
    const opts = options();
    const spool = Spool.open(opts);
    for (let i = 0; i < 300; i++) spool.append([payload(i)]);
    expect(readdirSync(opts.dir).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(3);
    for (let batch = spool.read(1000); batch; batch = spool.read(1000))
      spool.commit(batch.end, batch.payloads.length);
    expect(readdirSync(opts.dir).filter((f) => f.endsWith('.log')).length).toBe(1);
    spool.close();
  });

  it('resumes after a restart from the last commit: uncommitted records are read again', () => {
    const opts = options();
    const first = Spool.open(opts);
    for (let i = 0; i < 100; i++) first.append([payload(i)]);
    const batch = first.read(40);
    first.commit(batch?.end ?? { segment: 0, offset: 0 }, 40);
    first.read(30); // read but never committed: a crash before the write finished
    first.close();

    const second = Spool.open(opts);
    expect(second.depth).toBe(60);
    expect(texts(second.read(1000))[0]).toBe(payload(40).toString());
    second.close();
  });

  it('cuts a torn tail (power loss mid-append) and keeps every whole record', () => {
    const opts = options({ segmentBytes: 1 << 20 });
    const spool = Spool.open(opts);
    for (let i = 0; i < 10; i++) spool.append([payload(i)]);
    spool.close();
    const segment = readdirSync(opts.dir).find((f) => f.endsWith('.log')) ?? '';
    appendFileSync(join(opts.dir, segment), Buffer.from([200, 0, 0, 0, 1, 2, 3])); // a header promising 200 bytes
    const reopened = Spool.open(opts);
    expect(reopened.depth).toBe(10);
    reopened.append([payload(10)]);
    expect(texts(reopened.read(100))).toEqual(Array.from({ length: 11 }, (_, i) => payload(i).toString()));
    reopened.close();
  });

  it('is full at its byte bound and wakes waiters when a commit frees space', async () => {
    const spool = Spool.open(options({ maxBytes: 2000, segmentBytes: 1000 }));
    while (!spool.full) spool.append([payload(1)]);
    let woke = false;
    const waiting = spool.waitForSpace().then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    const batch = spool.read(1000);
    spool.commit(batch?.end ?? { segment: 0, offset: 0 }, batch?.payloads.length ?? 0);
    await waiting;
    expect(woke).toBe(true);
    expect(spool.full).toBe(false);
    spool.close();
  });

  it('rewinds the read cursor to the last commit after a failed write', () => {
    const spool = Spool.open(options());
    for (let i = 0; i < 5; i++) spool.append([payload(i)]);
    const first = texts(spool.read(3));
    spool.rewind();
    expect(texts(spool.read(3))).toEqual(first);
    spool.close();
  });
});
