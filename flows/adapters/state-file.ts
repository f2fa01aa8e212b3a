import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { enforcePrivate } from '../../lib/private-files.ts';

/**
 * A JSON file written atomically (temp file + rename, so a crash leaves the old or the new state,
 * never half of one). Writes are serialized and coalesced: a save requested while one is running
 * runs once more afterwards with the latest data.
 */
export function createStateFile(path: string) {
  let running: Promise<void> | undefined;
  let pending: (() => unknown) | undefined;

  async function writeNow(data: unknown) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await rename(tmp, path);
  }

  async function loop() {
    while (pending) {
      const take = pending;
      pending = undefined;
      await writeNow(take());
    }
    running = undefined;
  }

  return {
    /** Schedules a save of whatever `snapshot()` returns when the write starts. */
    save(snapshot: () => unknown): Promise<void> {
      pending = snapshot;
      running ??= loop();
      return running;
    },
    async load<T>(): Promise<T | undefined> {
      try {
        await enforcePrivate(path); // a file an older version wrote keeps its 0644 until the next save
        return JSON.parse(await readFile(path, 'utf8')) as T;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
