/** A line longer than this is cut: one runaway line must not push every other line out of the tail. */
const MAX_LINE = 2000;

/**
 * The last lines a child wrote (stdout and stderr interleaved as they came), for the error that says
 * why it did not start and for tests that show what a child said before it failed.
 */
export class OutputTail {
  readonly #lines: string[] = [];
  readonly #max: number;
  readonly #onLine: ((line: string) => void) | undefined;
  #partial = '';

  constructor(maxLines: number, onLine?: (line: string) => void) {
    this.#max = Math.max(1, maxLines);
    this.#onLine = onLine;
  }

  write(chunk: Buffer | string): void {
    const lines = (this.#partial + chunk.toString()).split('\n');
    this.#partial = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const line of lines) this.#push(line);
  }

  /** The last lines, with a line still being written (no newline yet) at the end. */
  text(): string {
    return (this.#partial ? [...this.#lines, this.#partial] : this.#lines).slice(-this.#max).join('\n');
  }

  #push(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.#onLine?.(line);
    this.#lines.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }
}
