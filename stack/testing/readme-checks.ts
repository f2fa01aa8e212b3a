import { expect } from 'vitest';
import { queryCounts } from './readme-commands.ts';

// What the READMEs' commands must print, for stack/readme-commands.integration.test.ts: the meaningful
// part of each answer where a wrong one is plausible (a count of 0, a report not read back, a header
// line), so a command that exits 0 with the wrong output still fails.

const json = (out: string) => JSON.parse(out) as Record<string, unknown>;

/**
 * What some commands must print, beyond exiting 0; `untilMs`: asked again until it does; `exit`: the
 * status the reader sees (curl's 22 for an HTTP error shown on purpose). A line that only assigns is
 * checked on the values it set, one a line.
 */
export const CHECKS: { match: RegExp; untilMs?: number; exit?: number; check?(stdout: string): void }[] = [
  {
    match: /\/query\b[\s\S]*SELECT COUNT/,
    untilMs: 60_000,
    check: (out) =>
      expect(
        queryCounts(out).every((n) => n > 0),
        out,
      ).toBe(true),
  },
  {
    match: /^curl -s http:\/\/127\.0\.0\.1:8081\/open\/v1\/ispu\/latest$/,
    check: (out) => expect(json(out)).toHaveProperty('data'),
  },
  {
    match: /^npm run report -- air-monthly /,
    check: (out) => expect(out.match(/\.(pdf|csv|xlsx) .* sha256 [0-9a-f]{64}$/gm)?.length, out).toBe(3),
  },
  {
    match: /^npm run report -- ispu-daily --period 2026-12-01 --station aq-beji-ui-01 /,
    check: (out) =>
      expect(out).toMatch(/ispu-daily_2026-12-01_aq-beji-ui-01_en\.pdf .* sha256 [0-9a-f]{64}$/m),
  },
  {
    match: /^npm run report -- wastewater-monthly .*--user admin /,
    check: (out) =>
      expect(out, out).toMatch(/laporan\/wastewater-monthly_2026-11_id\.csv .* sha256 [0-9a-f]{64}$/m),
  },
  { match: /^npm run devices -- (add|rotate|service) /, check: (out) => expect(out).toMatch(/shown once/) },
  { match: /^npm run devices -- list/, check: (out) => expect(out).toMatch(/^aq-beji-02\s/m) },
  { match: /-X POST \$B\/admin\/devices /, check: (out) => expect(json(out)).toHaveProperty('secret') },
  // public/README.md: the open-data API and a citizen report sent, read back by its code, and refused.
  { match: /\/open\/v1\/stations' \| head/, check: (out) => expect(out).toMatch(/^\{"data":\[\{"id":"aq-/) },
  {
    match: /\/open\/v1\/latest\?format=csv' \| head -5$/,
    check: (out) => expect(out.split('\n')[0]).toMatch(/^station,/),
  },
  {
    match: /\/open\/v1\/measurements\?station=aq-margonda-01/,
    check: (out) => expect(out).toMatch(/^\{"next":.*"station":"aq-margonda-01","field":"pm25"/),
  },
  { match: /^CODE=\$\(curl .*citizen-reports/, check: (out) => expect(out).toMatch(/^[0-9A-Z]{10}$/) },
  {
    match: /citizen-reports\/\$CODE$/,
    check: (out) =>
      expect(json(out)).toMatchObject({ category: 'illegal_dumping', status: 'new', public_answer: null }),
  },
  {
    match: /"lat":40\.7,"lon":-74/,
    exit: 22,
    check: (out) => expect(json(out)).toMatchObject({ status: 422, code: 'citizen.error.outside_depok' }),
  },
  // flows/README.md: the active alert of the simulated industrial outfall, acknowledged over HTTP.
  { match: /^FLOWS_API_TOKEN=/, check: (out) => expect(out).toMatch(/^\S{16,}$/) },
  {
    match: /1880\/api\/alerts\/wastewater\/ww-industri-tapos-01\/p68-bod\/ack$/,
    untilMs: 60_000,
    check: (out) => expect(json(out)).toMatchObject({ station: 'ww-industri-tapos-01', rule: 'p68-bod' }),
  },
  {
    match: /1880\/api\/alerts +#/,
    check: (out) =>
      expect(JSON.parse(out)).toContainEqual(expect.objectContaining({ acknowledged_by: 'sari' })),
  },
  { match: /1880\/api\/status/, check: (out) => expect(json(out).readings).toBeGreaterThan(0) },
  // dashboards/README.md: users and tokens, QA records, reports from the console, moderation.
  { match: /^TOKEN=\$\(npm run -s users -- add-token /, check: (out) => expect(out).toMatch(/^[\w-]{43}$/) },
  {
    match: /^npm run users -- list/,
    check: (out) => {
      expect(out).toMatch(/^user {2}pdam {2}viewer {2}\(all stations\)/m);
      expect(out).toMatch(/^token wallboard {2}operator {2}\(operators: PDAM Tirta Asasta\)/m);
      expect(out).not.toMatch(/scrypt|sha256/i);
    },
  },
  {
    match: /8080\/api\/alerts\/wastewater\/ww-industri-tapos-01\/p68-cod\/ack$/,
    untilMs: 60_000,
    check: (out) => expect(json(out)).toMatchObject({ id: 'wastewater/ww-industri-tapos-01/p68-cod' }),
  },
  {
    match: /^npm run qa -- list aq-margonda-01/,
    check: (out) => expect(out).toMatch(/invalid[\s\S]*inlet blocked[\s\S]*valid/),
  },
  // Asked again for a while: once, in one of many runs, this curl printed nothing (not reproduced; -S now
  // shows why). Asked again after a success it answers 429 until that run ends, then starts another.
  { match: /^RUN=\$\(curl /, untilMs: 30_000, check: (out) => expect(out).toMatch(/^\d+$/) },
  {
    match: /8080\/api\/reports \| jq/,
    check: (out) => expect(json(out)).toMatchObject({ status: expect.stringMatching(/running|done/) }),
  },
  { match: /^curl -sOJ .*\/api\/reports\/\$RUN\/files\/pdf/, untilMs: 90_000 },
  {
    match: /api\/citizen-reports \| jq '\.reports\[0\]'/,
    check: (out) => expect(json(out).status).toBe('new'),
  },
  {
    match: /citizen-reports\/\$ID\/resolve$/,
    check: (out) =>
      expect(json(out).report).toMatchObject({ status: 'resolved', public_answer: expect.any(String) }),
  },
  { match: /^npm run records -- status/, check: (out) => expect(out).toMatch(/schema/i) },
  // reports/README.md: the scheduled run npm start caught up at start, and its files' checksums.
  {
    match: /^sqlite3 state\/records\.db "SELECT id, type/,
    check: (out) => expect(out.trim()).toMatch(/^\d+\|ispu-daily\|\d{4}-\d\d-\d\d\|done\|schedule$/),
  },
  {
    match: /^sha256sum state\/reports\//,
    check: (out) => expect(out.match(/^[0-9a-f]{64} {2}state\/reports\/\S+$/gm)?.length, out).toBe(3),
  },
  // ingest/README.md: a reading over HTTP from a device just added.
  { match: /^SECRET=\$\(npm run -s devices -- add /, check: (out) => expect(out).toMatch(/^\S{20,}$/) },
  {
    match: /9102\/v1\/readings\/air_quality\/aq-beji-03$/,
    untilMs: 15_000,
    check: (out) => expect(out).toMatch(/^\{"stored":1\}$/),
  },
  // deploy/tls/README.md: a development CA, in the clone-like folder's own deploy/tls.
  {
    match: /^deploy\/make-dev-ca\.sh deploy\/tls /,
    check: (out) =>
      expect(out).toMatch(/^made deploy\/tls\/server\.crt for DNS:broker\.depok\.example,IP:192\.0\.2\.10,/m),
  },
  // simulators/README.md
  { match: /^npm run simulate -- --check /, check: (out) => expect(out).toMatch(/pipe-burst/) },
  {
    match: /^npm run simulate -- --print 2 /,
    check: (out) => expect(out).toMatch(/^sensors\/wastewater\/ww-\S+ \[\{"bn":"urn:dev:depok:ww-/m),
  },
  { match: /^npm run bench -- --only simulators/, check: (out) => expect(out).toMatch(/simulators/) },
];
