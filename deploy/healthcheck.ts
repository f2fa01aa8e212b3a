/**
 * Container health check: exits 0 when the URL answers 2xx within 4 s. The node:24-slim image has no
 * curl or wget, so docker-compose.yml runs `node deploy/healthcheck.ts <url>`.
 */
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node deploy/healthcheck.ts <url>\n');
  process.exit(2);
}
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  await res.body?.cancel();
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
