import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations an atomic write makes, injectable so a test can fail any one of them. */
export type FileOps = {
  open(path: string, flags: string, mode: number): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
};

export const realFileOps: FileOps = { open, rename, unlink };

/** The temp name beside the target: same folder (so rename is atomic), hidden, unique per write. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `bytes` to `path` so that a reader sees the old file or the whole new one, never part of it:
 * a temp file in the same folder, written and fsynced, then renamed over the target (POSIX rename(2)
 * is atomic within a file system), then the folder fsynced so the rename survives a power cut. On any
 * error the temp file is removed and the error rethrown: no partial file is left.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  ops: FileOps = realFileOps,
): Promise<void> {
  const temp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    handle = await ops.open(temp, 'wx', 0o640);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await ops.rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => {});
    await ops.unlink(temp).catch(() => {});
    throw err;
  }
  await syncFolder(dirname(path));
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL); the rename itself is done and visible.
  } finally {
    await handle.close();
  }
}
