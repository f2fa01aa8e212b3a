/**
 * Read-only InfluxQL over the v1 `/query` API, streamed: InfluxDB 1.x (and 2.x/3.x through their v1
 * compatibility endpoints, token auth). With `chunked=true` influxd answers one JSON object per line,
 * each holding at most `chunk_size` rows (InfluxDB 1.x docs, "Query data with the HTTP API: chunked"),
 * so a month of 1-minute data (44,640 rows) is never one huge string in memory.
 */

export type V1ReadTarget = {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  timeoutMs: number;
};

/** One chunk of one series: `time` first (epoch ms), then the selected fields. */
export type QueryChunk = { columns: string[]; values: unknown[][] };

type Answer = {
  results?: { series?: QueryChunk[]; error?: string }[];
  error?: string;
};

export class InfluxQueryError extends Error {
  override name = 'InfluxQueryError';
}

// InfluxQL quoting (influxql spec "Identifiers", "Strings"): backslash escapes the quote and itself.
export const quoteIdent = (name: string) => `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
export const quoteString = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export function authHeader(target: V1ReadTarget): string | undefined {
  if (target.token) return `Token ${target.token}`;
  if (target.username && target.password !== undefined)
    return `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
  return undefined;
}

/** The chunks of one statement's answer, in order; throws InfluxQueryError on any error influxd reports. */
export async function* queryChunks(
  target: V1ReadTarget,
  statement: string,
  chunkSize = 10_000,
): AsyncGenerator<QueryChunk> {
  const params = new URLSearchParams({
    db: target.database,
    q: statement,
    epoch: 'ms',
    chunked: 'true',
    chunk_size: String(chunkSize),
  });
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = authHeader(target);
  if (auth) headers.authorization = auth;
  let res: Response;
  try {
    res = await fetch(`${target.url.replace(/\/$/, '')}/query?${params}`, {
      headers,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (err) {
    throw new InfluxQueryError(`InfluxDB unreachable at ${target.url}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const body = (await res.text().catch(() => '')).slice(0, 300);
    throw new InfluxQueryError(`InfluxDB answered HTTP ${res.status}${body ? `: ${body.trim()}` : ''}`);
  }
  let pending = '';
  const decoder = new TextDecoder();
  const answerOf = (line: string): QueryChunk[] => {
    const answer = JSON.parse(line) as Answer;
    const error = answer.error ?? answer.results?.find((r) => r.error)?.error;
    if (error) throw new InfluxQueryError(`InfluxDB: ${error}`);
    return answer.results?.flatMap((r) => r.series ?? []) ?? [];
  };
  try {
    for await (const bytes of res.body) {
      pending += decoder.decode(bytes, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield* answerOf(line);
        newline = pending.indexOf('\n');
      }
    }
  } catch (err) {
    if (err instanceof InfluxQueryError) throw err;
    throw new InfluxQueryError(`InfluxDB answer broken off: ${(err as Error).message}`);
  }
  pending += decoder.decode();
  if (pending.trim()) yield* answerOf(pending.trim());
}
