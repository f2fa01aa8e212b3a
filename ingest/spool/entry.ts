/** What the spool holds per reading: enough to write it and, if InfluxDB refuses it, to dead-letter it. */
export type SpoolEntry = { kind: string; station: string; line: string };

// Kind and station ids never contain a tab (lib/catalogue patterns), so a tab separates safely.
export function encodeEntry(entry: SpoolEntry): Buffer {
  return Buffer.from(`${entry.kind}\t${entry.station}\t${entry.line}`, 'utf8');
}

export function decodeEntry(payload: Buffer): SpoolEntry {
  const text = payload.toString('utf8');
  const a = text.indexOf('\t');
  const b = text.indexOf('\t', a + 1);
  return { kind: text.slice(0, a), station: text.slice(a + 1, b), line: text.slice(b + 1) };
}
