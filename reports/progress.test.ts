import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.ts';

const say = (key: string, params: Record<string, string | number>) => `${key} ${JSON.stringify(params)}`;
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream,
  };
};

describe('progress on stderr', () => {
  it('on a terminal: one line redrawn (carriage return, clear line), ended by a newline', () => {
    const out = stream(true);
    const p = progressReporter(out.stream, say, performance.now());
    p.begin(2);
    p.station({ done: 1, total: 2, station: 'aq-a' });
    p.end();
    expect(out.written).toEqual([
      '\r\x1b[Kreport_cli.progress {"done":0,"total":2,"elapsed":0}',
      '\r\x1b[Kreport_cli.progress {"done":1,"total":2,"elapsed":0}',
      '\n',
    ]);
  });
  it('otherwise: one plain line a station, no control characters', () => {
    const out = stream(false);
    const p = progressReporter(out.stream, say, performance.now());
    p.begin(2);
    p.station({ done: 1, total: 2, station: 'aq-a' });
    p.end();
    expect(out.written).toEqual(['report_cli.station_done {"done":1,"total":2,"station":"aq-a"}\n']);
  });
});
