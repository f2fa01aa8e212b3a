import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder } from './folder-lock.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lockFolder', () => {
  it('writes our pid and removes the lock on release', () => {
    const dir = freshDir();
    const lock = lockFolder(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('refuses a folder locked by another live process', async () => {
    const dir = freshDir();
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      writeFileSync(join(dir, 'LOCK'), `${other.pid}\n`);
      expect(() => lockFolder(dir)).toThrow(new RegExp(`in use by process ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone (SIGKILL, power cut)', async () => {
    const dir = freshDir();
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(dir, 'LOCK'), `${gone.pid}\n`);
    lockFolder(dir).release();
    writeFileSync(join(dir, 'LOCK'), 'not a pid\n');
    const lock = lockFolder(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
