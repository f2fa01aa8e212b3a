import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: 'TRACE', color: 90 },
  20: { label: 'DEBUG', color: 90 },
  30: { label: 'INFO ', color: 32 },
  40: { label: 'WARN ', color: 33 },
  50: { label: 'ERROR', color: 31 },
  60: { label: 'FATAL', color: 35 },
};
/** pino's own fields, shown in the line's head or not at all. */
const HEAD_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'service', 'msg', 'err']);
const BARE = /^[\w.:/@+-]+$/;

export type PrettyOptions = { color?: boolean };

/**
 * One pino JSON line as a line a person reads: `12:04:05.120 INFO  broker: broker listening port=1883`,
 * an error's stack indented below it. The line it gets is the finished one, after lib/log.ts has
 * censored secrets, so nothing is shown that the JSON would not show. A line that is not JSON is
 * passed through as it is.
 */
export function formatLogLine(line: string, options: PrettyOptions = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const level = LEVELS[Number(entry.level)] ?? { label: String(entry.level).padEnd(5), color: 0 };
  const time = typeof entry.time === 'number' ? clock(entry.time) : '';
  const who = String(entry.service ?? entry.name ?? '');
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD_KEYS.has(key))
    .map(([key, value]) => `${paint(90, `${key}=`)}${show(value)}`);
  const head = [paint(90, time), paint(level.color, level.label), who ? `${who}:` : '', entry.msg ?? '']
    .filter((part) => part !== '')
    .join(' ');
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const stack = err ? `\n${indent(err.stack ?? err.message ?? show(err))}` : '';
  return `${[head, ...fields].join(' ')}${stack}\n`;
}

/** A pino destination that writes readable lines (for a terminal) to `out`. */
export function prettyDestination(
  out: NodeJS.WritableStream,
  options: PrettyOptions = {},
): DestinationStream {
  return { write: (line: string) => out.write(formatLogLine(line, options)) };
}

function show(value: unknown): string {
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
