import type { GenerateProgress } from '../lib/reports/generate.ts';

type Say = (key: string, params: Record<string, string | number>) => string;

/**
 * Progress on stderr: on a terminal one line redrawn (stations done/total, seconds elapsed), ticking
 * every second while a station is read; otherwise (a pipe, a log file, cron) one plain line a station.
 */
export function progressReporter(stream: NodeJS.WriteStream, say: Say, started: number) {
  const tty = stream.isTTY === true;
  let last: GenerateProgress = { done: 0, total: 0, station: '' };
  const elapsed = () => Math.round((performance.now() - started) / 1000);
  const draw = () => {
    if (last.total > 0)
      stream.write(
        `\r\x1b[K${say('report_cli.progress', { done: last.done, total: last.total, elapsed: elapsed() })}`,
      );
  };
  const timer = tty ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  return {
    station(progress: GenerateProgress) {
      last = progress;
      if (tty) draw();
      else stream.write(`${say('report_cli.station_done', { ...progress })}\n`);
    },
    end() {
      if (timer) clearInterval(timer);
      if (tty && last.total > 0) stream.write('\n');
    },
  };
}
