/**
 * The Prometheus text exposition format (version 0.0.4, what prom-client serves on /metrics), read
 * into `name{labels}` -> value, the series spelled as the server wrote it. One line per sample:
 * `name[{labels}] value [timestamp]`; `#` lines are HELP and TYPE; label values are quoted and may hold
 * spaces, braces and escaped quotes. https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const seriesEnd = endOfSeries(line);
    const value = line.slice(seriesEnd).trim().split(/\s+/)[0];
    if (value) samples.set(line.slice(0, seriesEnd), parseValue(value));
  }
  return samples;
}

/** One sample: `name` alone, or `name{labels}` with the labels as the server spells them (`reason="x"`). */
export function sampleValue(text: string, name: string, labels = ''): number | undefined {
  return parsePrometheusText(text).get(labels ? `${name}{${labels}}` : name);
}

/** Where the series (name and labels) ends: the first space outside a quoted label value. */
function endOfSeries(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ' ' || c === '\t') return i;
  }
  return line.length;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text); // NaN for "NaN", as Prometheus means it
}
