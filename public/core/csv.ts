/**
 * CSV of the rows a JSON answer holds (RFC 4180: CRLF, quotes doubled), the same rows in the same order.
 * A nested object becomes dotted columns (`label.id`), an array one cell of JSON text; `null` an empty
 * cell. The header is the union of the rows' columns in first-seen order.
 */
export function flatten(row: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}) {
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      flatten(value as Record<string, unknown>, name, out);
    else out[name] = Array.isArray(value) ? JSON.stringify(value) : value;
  }
  return out;
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // A leading = + - @ would be read as a formula by a spreadsheet: quoted, it stays text in most.
  return /[",\r\n]/.test(text) || (/^[=+\-@]/.test(text) && Number.isNaN(Number(text)))
    ? `"${text.replace(/"/g, '""')}"`
    : text;
};

export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const flat = rows.map((r) => flatten(r));
  const header = [...(columns ?? [])];
  for (const r of flat) for (const key of Object.keys(r)) if (!header.includes(key)) header.push(key);
  const lines = [header.map(cell).join(',')];
  for (const r of flat) lines.push(header.map((h) => cell(r[h])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The reverse, for tests and clients: rows of strings (empty cells as ''). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  const [header = [], ...body] = records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
