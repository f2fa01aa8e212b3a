import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';
import type { Spool } from './spool/spool.ts';

/** A socket stand-in that records what reached the wire, and when. */
function socket(log: string[]) {
  return new Writable({
    writev(chunks, done) {
      log.push(`wire:${chunks.map((c) => c.chunk.toString()).join('')}`);
      done();
    },
    write(chunk, _enc, done) {
      log.push(`wire:${chunk.toString()}`);
      done();
    },
  });
}

function spool(log: string[], fail = false) {
  return {
    append(entries: readonly Buffer[]) {
      if (fail) throw new Error('disk full');
      log.push(`spool:${entries.map((e) => e.toString()).join(',')}`);
    },
  } as unknown as Spool;
}

describe('group commit', () => {
  it('writes a turn of readings once, and lets their acknowledgements out only after that write', async () => {
    const log: string[] = [];
    const wire = socket(log);
    const commits = new GroupCommit(spool(log), { onWritten: () => log.push('written'), onFailed: () => {} });
    for (const id of ['a', 'b', 'c']) {
      commits.add(wire, [Buffer.from(id)], () => log.push(`after:${id}`));
      wire.write(`ack-${id};`); // what mqtt.js does when `done` runs
    }
    expect(log).toEqual([]); // nothing on disk, nothing on the wire yet
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual([
      'spool:a,b,c',
      'after:a',
      'after:b',
      'after:c',
      'written',
      'wire:ack-a;ack-b;ack-c;',
    ]);
  });

  it('sends none of the acknowledgements when the spool write fails', async () => {
    const log: string[] = [];
    const wire = socket(log);
    const failures: string[] = [];
    const commits = new GroupCommit(spool(log, true), {
      onWritten: () => log.push('written'),
      onFailed: (err) => failures.push(err.message),
    });
    commits.add(wire, [Buffer.from('a')], () => log.push('after:a'));
    wire.write('ack-a;');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(failures).toEqual(['disk full']);
    expect(log).toEqual([]);
    expect(wire.destroyed).toBe(true);
  });
});
