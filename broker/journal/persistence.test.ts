import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalPersistence } from './persistence.ts';
import { encodeRecord, Op } from './records.ts';
import type { Packet } from './types.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLIENTS = ['ingest', 'flows', 'dashboard:1'];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'journal-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A started persistence on `dir`, as aedes starts it (setup with the broker), never destroyed: a crash. */
async function open(dir: string, compactBytes = 64 * 1024 * 1024, brokerId = 'broker-a') {
  const p = new JournalPersistence({ dir, compactBytes, fsync: 'none', fsyncIntervalMs: 1000 });
  await p.setup({ id: brokerId, counter: 0 });
  // Closed when the test ends, not before: reopening the folder while this one is open is the crash.
  cleanups.push(() => p.destroy().catch(() => {}));
  return p;
}

async function all<T>(stream: Readable): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item as T);
  return out;
}

/** Everything a reader can see, in a form that compares with toEqual (classes and undefined keys dropped). */
async function dump(p: JournalPersistence) {
  const clients = await Promise.all(
    CLIENTS.map(async (id) => ({
      id,
      subs: await p.subscriptionsByClient({ id }),
      outgoing: await all(p.outgoingStream({ id })),
      incoming: await Promise.all(
        [1, 2, 3, 4].map((messageId) => p.incomingGetPacket({ id }, { messageId }).catch(() => null)),
      ),
      will: (await p.getWill({ id })) ?? null,
    })),
  );
  return structuredClone({
    retained: await all(p.createRetainedStream('#')),
    matched: await p.subscriptionsByTopic('sensors/air_quality/aq-1'),
    count: await p.countOffline(),
    clients,
  });
}

const publish = (topic: string, payload: string, counter: number, qos = 1): Packet => ({
  cmd: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos,
  retain: false,
  dup: false,
  brokerId: 'broker-a',
  brokerCounter: counter,
});

/** One of each state-changing call aedes makes, leaving something of each kind in the state. */
async function exercise(p: JournalPersistence): Promise<void> {
  const [ingest, flows, dashboard] = CLIENTS.map((id) => ({ id })) as [
    { id: string },
    { id: string },
    { id: string },
  ];
  await p.storeRetained({ ...publish('sensors/air_quality/aq-1/status', 'online', 1, 0), retain: true });
  await p.storeRetained({ ...publish('sensors/water/w-1/status', 'offline', 2, 0), retain: true });
  await p.storeRetained({ ...publish('sensors/water/w-1/status', '', 3, 0), retain: true }); // deletes it
  await p.addSubscriptions(ingest, [{ topic: 'sensors/+/+', qos: 1, rh: 0, rap: false, nl: false }]);
  await p.addSubscriptions(flows, [
    { topic: 'sensors/+/+', qos: 1 },
    { topic: 'readings/#', qos: 0 },
    { topic: 'alerts/#', qos: 2 },
  ]);
  await p.removeSubscriptions(flows, ['alerts/#']);
  await p.addSubscriptions(dashboard, [{ topic: 'readings/#', qos: 1 }]);
  await p.cleanSubscriptions(dashboard);
  const subs = [{ clientId: 'ingest' }, { clientId: 'flows' }];
  for (let i = 10; i < 20; i++)
    await p.outgoingEnqueueCombi(subs, publish('sensors/air_quality/aq-1', `m${i}`, i));
  await p.outgoingEnqueue({ clientId: 'dashboard:1' }, publish('readings/x/y', 'qos0', 30, 0));
  // Delivered with message ids; some acknowledged.
  for (let i = 10; i < 15; i++)
    await p.outgoingUpdate(ingest, { brokerId: 'broker-a', brokerCounter: i, messageId: i });
  await p.outgoingClearMessageId(ingest, { messageId: 10 });
  await p.outgoingClearMessageId(ingest, { messageId: 12 });
  // QoS 2 towards flows: the entry with messageId 11 becomes a PUBREL.
  await p.outgoingUpdate(flows, { brokerId: 'broker-a', brokerCounter: 11, messageId: 11 });
  await p.outgoingUpdate(flows, { cmd: 'pubrel', messageId: 11 });
  await p.incomingStorePacket(flows, { ...publish('alerts/a/b/c', 'x', 40, 2), messageId: 1 });
  await p.incomingStorePacket(flows, { ...publish('alerts/a/b/c', 'y', 41, 2), messageId: 2 });
  await p.incomingDelPacket(flows, { messageId: 1 });
  await p.incomingStorePacket(dashboard, { ...publish('alerts/a/b/c', 'z', 42, 2), messageId: 3 });
  await p.cleanIncoming(dashboard);
  await p.putWill(ingest, { ...publish('sensors/x/y/status', 'offline', 50), retain: true });
  await p.putWill(flows, { ...publish('sensors/x/z/status', 'gone', 51), retain: true });
  await p.delWill(flows);
}

describe('journal persistence', () => {
  it('replays to the same state after a crash (no clean close)', async () => {
    const dir = await tempDir();
    const before = await open(dir);
    await exercise(before);
    const expected = await dump(before);
    expect(expected.clients[0]?.outgoing).toHaveLength(8); // sanity: the state is not trivial
    const after = await open(dir, undefined, 'broker-b');
    expect(await dump(after)).toEqual(expected);
    // A will from the broker that died keeps that broker's id: aedes publishes it (streamWill).
    expect((await all<Packet>(after.streamWill({ 'broker-b': true }))).map((w) => w.brokerId)).toEqual([
      'broker-a',
    ]);
  });

  it('gathers the records of one event-loop turn into one write', async () => {
    const p = await open(await tempDir());
    const writes = p.journal?.writes ?? 0;
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        p.outgoingEnqueueCombi([{ clientId: 'ingest' }], publish('sensors/a/b', `m${i}`, i + 1)),
      ),
    );
    expect((p.journal?.writes ?? 0) - writes).toBe(1);
    expect(await all(p.outgoingStream({ id: 'ingest' }))).toHaveLength(1000);
  });

  it('ignores a torn last record (crash mid-write) and a record that fails its CRC', async () => {
    const dir = await tempDir();
    const p = await open(dir);
    await exercise(p);
    const expected = await dump(p);
    const [file] = (await readdir(dir)).filter((f) => f.startsWith('journal-'));
    const path = join(dir, file as string);
    const size = (await stat(path)).size;
    const extra = encodeRecord(Op.outgoingClear, { c: 'ingest', m: 11 });
    // Torn: only part of the last record reached the file.
    await appendFile(path, extra.subarray(0, extra.length - 3));
    const torn = await open(dir);
    expect(await dump(torn)).toEqual(expected);
    // Whole length, wrong bytes: the CRC rejects it.
    const [next] = (await readdir(dir)).filter((f) => f.startsWith('journal-'));
    const corrupted = Buffer.from(extra);
    corrupted[corrupted.length - 2] = 0x7f;
    await appendFile(join(dir, next as string), corrupted);
    expect(await dump(await open(dir))).toEqual(expected);
    expect(size).toBeGreaterThan(0);
  });

  it('compacts while running, and keeps the state across compactions and a crash', async () => {
    const dir = await tempDir();
    const p = await open(dir, 4096);
    const generation = p.journal?.generation ?? 0;
    await exercise(p);
    // Traffic that comes and goes: enqueued, delivered, acknowledged, so the live state stays small.
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          p.outgoingEnqueueCombi(
            [{ clientId: 'ingest' }],
            publish('sensors/a/b', `r${round}-${i}`, 1000 + round * 50 + i),
          ),
        ),
      );
      for (let i = 0; i < 50; i++) {
        const counter = 1000 + round * 50 + i;
        await p.outgoingUpdate(
          { id: 'ingest' },
          { brokerId: 'broker-a', brokerCounter: counter, messageId: counter },
        );
        await p.outgoingClearMessageId({ id: 'ingest' }, { messageId: counter });
      }
    }
    await p.journal?.settled(); // the old file is deleted just after the callers are answered
    expect(p.journal?.compactions ?? 0).toBeGreaterThan(2);
    expect(p.journal?.generation ?? 0).toBeGreaterThan(generation + 2);
    const files = (await readdir(dir)).filter((f) => f.startsWith('journal-'));
    expect(files).toHaveLength(1);
    // Without compaction it would hold every record (~400 KB); with it, a snapshot and a few batches.
    expect((await stat(join(dir, files[0] as string))).size).toBeLessThan(64 * 1024);
    const expected = await dump(p);
    expect(await dump(await open(dir))).toEqual(expected);
  });

  it('records appended while a compaction runs land in the new journal', async () => {
    const dir = await tempDir();
    const p = await open(dir, 2048);
    // Many turns of the loop, each with records, so some arrive while a snapshot is being written.
    const pending: Promise<unknown>[] = [];
    for (let i = 1; i <= 400; i++) {
      pending.push(p.outgoingEnqueueCombi([{ clientId: 'ingest' }], publish('sensors/a/b', `c${i}`, i)));
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    await p.journal?.settled(); // one process per folder: the crash comes after its last compaction
    expect(p.journal?.compactions ?? 0).toBeGreaterThan(0);
    const expected = await dump(p);
    expect(expected.clients[0]?.outgoing).toHaveLength(400);
    expect(await dump(await open(dir))).toEqual(expected);
  });

  it('random traffic: the reopened state equals the live one, across compactions', async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const compactBytes of [64 * 1024 * 1024, 3000]) {
      const dir = await tempDir();
      const p = await open(dir, compactBytes);
      let counter = 0;
      for (let step = 0; step < 3000; step++) {
        const id = CLIENTS[random(CLIENTS.length)] as string;
        const client = { id };
        const messageId = 1 + random(4);
        const calls = [
          () =>
            p.outgoingEnqueueCombi(
              [{ clientId: id }],
              publish('sensors/air_quality/aq-1', `s${step}`, ++counter),
            ),
          () =>
            p.outgoingUpdate(client, { brokerId: 'broker-a', brokerCounter: counter - random(5), messageId }),
          () => p.outgoingUpdate(client, { cmd: 'pubrel', messageId }),
          () => p.outgoingClearMessageId(client, { messageId }),
          () => p.addSubscriptions(client, [{ topic: `sensors/+/${random(3)}`, qos: random(3) }]),
          () => p.removeSubscriptions(client, [`sensors/+/${random(3)}`]),
          () =>
            p.storeRetained({
              ...publish(`sensors/air_quality/aq-1/s${random(3)}`, random(2) ? 'x' : '', ++counter, 0),
              retain: true,
            }),
          () =>
            p.incomingStorePacket(client, { ...publish('alerts/a', `i${step}`, ++counter, 2), messageId }),
          () => p.incomingDelPacket(client, { messageId }),
          () => p.putWill(client, publish('sensors/x/y/status', `w${step}`, ++counter)),
          () => p.delWill(client),
          () => (random(10) === 0 ? p.cleanSubscriptions(client) : p.cleanIncoming(client)),
        ];
        // Failures (no such packet) are part of the traffic: they change nothing, live or replayed.
        const call = calls[random(calls.length)] as () => Promise<unknown>;
        const done = call().catch(() => {});
        if (random(4) === 0) await done;
      }
      await p.journal?.settled();
      const expected = await dump(p);
      expect(await dump(await open(dir))).toEqual(expected);
    }
  });

  it('starts empty on an empty folder and leaves stray temporary files behind it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'journal-000000000009.log.tmp'), 'half a snapshot');
    const p = await open(dir);
    expect((await dump(p)).retained).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await p.destroy();
    // A clean close leaves a journal that opens to the same (empty) state.
    const [file] = await readdir(dir);
    expect((await readFile(join(dir, file as string))).length).toBe(0);
    await truncate(join(dir, file as string), 0);
  });
});
