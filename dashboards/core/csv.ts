// CSV for spreadsheet users (RFC 4180: comma separated, CRLF, fields with a quote, comma or line break
// quoted, quotes doubled). A text cell that a spreadsheet would run as a formula (starting with = + - @,
// or a tab or carriage return that hides one) gets a leading apostrophe: OWASP "CSV Injection".

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A byte order mark first: without it Excel reads UTF-8 as the local code page and garbles non-ASCII. */
export const CSV_BOM = '\uFEFF';
