import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalLogger } from './log.ts';
import { formatLogLine } from './pretty-log.ts';

/** A stream that keeps what is written; `isTTY` as a terminal or a pipe would say. */
function sink(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += chunk;
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

describe('formatLogLine', () => {
  const time = new Date(2026, 10, 29, 9, 5, 7, 42).getTime();

  it('shows time, level, who and message, then the other fields as key=value', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 1,
      hostname: 'h',
      name: 'stack',
      service: 'broker',
      msg: 'broker listening',
      port: 1883,
      storage: 'journal:/tmp/state/broker',
      note: 'two words',
      nested: { a: 1 },
    });
    expect(formatLogLine(`${line}\n`)).toBe(
      '09:05:07.042 INFO  broker: broker listening port=1883 storage=journal:/tmp/state/broker note="two words" nested={"a":1}\n',
    );
  });

  it("indents an error's stack under its line, and colours only when asked", () => {
    const line = JSON.stringify({
      level: 50,
      time,
      name: 'stack',
      msg: 'stop failed',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.ts:1:1)' },
    });
    expect(formatLogLine(line)).toBe(
      '09:05:07.042 ERROR stack: stop failed\n    Error: boom\n        at x (y.ts:1:1)\n',
    );
    expect(formatLogLine(line, { color: true })).toContain('\x1b[31mERROR\x1b[0m');
  });

  it('passes a line that is not JSON through', () => {
    expect(formatLogLine('plain text')).toBe('plain text\n');
  });
});

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

describe('terminalLogger', () => {
  it('writes JSON lines when the output is not a terminal', () => {
    const out = sink(false);
    terminalLogger('stack', out.stream).info({ port: 1883 }, 'hello');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, name: 'stack', port: 1883, msg: 'hello' });
  });

  it('writes readable lines on a terminal, with secrets censored as in JSON', () => {
    const out = sink(true);
    const log = terminalLogger('stack', out.stream);
    log.info({ password: 'hunter2-secret', url: 'mqtt://ingest:s3cr3t@127.0.0.1:1883' }, 'hello');
    const text = out.text().replace(ANSI, '');
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} .*INFO.* stack: hello /);
    expect(() => JSON.parse(text)).toThrow();
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('s3cr3t');
  });
});
