import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../testkit/broker.ts';
import { makeWorldReadable, modesUnder, notPrivate } from '../../testkit/file-modes.ts';

// issue 12, item 8: modes were set only on creation (for the journal: not at all), so a journal
// folder from an older version stayed readable by every local user.
describe('broker journal folder', () => {
  let dir: string | undefined;
  let broker: TestBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is private (0700 folders, 0600 files) after start, even when it was world-readable', async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-modes-'));
    const journal = join(dir, 'broker');
    const persistence = { type: 'journal' as const, dir: journal };
    // A first run leaves its journal; then the folder is made world-readable, as a umask of 022 leaves it.
    broker = await startTestBroker([{ id: 'aq-modes-01', kind: 'air_quality' }], { persistence });
    const device = await broker.connect('aq-modes-01', { clean: false });
    await device.publishAsync('sensors/air_quality/aq-modes-01', '{"ts":1,"values":{"pm25":1}}', { qos: 1 });
    await broker.close();
    broker = undefined;
    await writeFile(join(journal, 'notes.txt'), 'left by an operator');
    await makeWorldReadable(journal);
    expect((await notPrivate(journal)).length).toBe((await modesUnder(journal)).size);

    broker = await startTestBroker([{ id: 'aq-modes-01', kind: 'air_quality' }], { persistence });
    expect(await notPrivate(journal)).toEqual([]);
    expect((await modesUnder(journal)).get(journal)).toBe(0o700);
  });
});
