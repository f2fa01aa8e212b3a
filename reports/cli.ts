import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config.ts';
import { isLanguage, type Language, translator } from '../lib/i18n/index.ts';
import { DEFAULT_LANGUAGE, type Scope } from '../lib/records/access.ts';
import { availableFormats, FORMATS } from '../lib/reports/formats.ts';
import { generateReport } from '../lib/reports/generate.ts';
import { closePrinters } from '../lib/reports/render/pdf.ts';
import { checkRequest } from '../lib/reports/request.ts';
import { reportTypes } from '../lib/reports/types/index.ts';
import { type Generation, openGeneration } from './generation.ts';
import { generationConfigFromEnv } from './generation-config.ts';
import { progressReporter } from './progress.ts';

// npm run report -- <type> --period P [--station ID]... [--format pdf,csv,xlsx] [--out DIR] [--lang id|en]
// [--user NAME]. Exit status: 0 done, 2 refused (bad input: nothing read, nothing written), 1 failed.

const REFUSED = 2;
const FAILED = 1;
let lang: Language = DEFAULT_LANGUAGE;
const say = (key: string, params?: Record<string, string | number>) => translator(lang).t(key, params);

function exit(code: number, line?: string): never {
  if (line) process.stderr.write(`report: ${line}\n`);
  process.exit(code);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  const text = { type: 'string' } as const;
  return parseArgs({
    allowPositionals: true,
    options: {
      period: text,
      station: { type: 'string', multiple: true },
      format: text,
      out: text,
      lang: text,
      user: text,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  exit(
    REFUSED,
    `${say('report_cli.bad_option', { problem: (err as Error).message })}\n\n${say('report_cli.usage')}`,
  );
}
const { values: o, positionals } = parsed;
if (o.lang && isLanguage(o.lang)) lang = o.lang;
if (o.help) {
  process.stdout.write(`${say('report_cli.usage')}\n`);
  process.exit(0);
}
const [type, ...extra] = positionals;
if (!type) exit(REFUSED, `${say('report_cli.no_type')}\n\n${say('report_cli.usage')}`);
if (extra.length > 0) exit(REFUSED, say('report_cli.bad_option', { problem: extra.join(' ') }));
if (!o.period) exit(REFUSED, say('report_cli.no_period'));

let generation: Generation;
try {
  generation = await openGeneration(generationConfigFromEnv());
} catch (err) {
  exit(err instanceof ConfigError ? REFUSED : FAILED, (err as Error).message);
}

// Without --user the CLI is this machine's operator, who can read the state folder anyway: unscoped.
let scope: Scope = {};
if (o.user) {
  const users = generation.users;
  if (!users) exit(REFUSED, say('report_cli.no_records', { path: generationConfigFromEnv().recordsPath }));
  const user = users.get(o.user);
  if (!user) exit(REFUSED, say('report_cli.user_unknown', { user: o.user }));
  if (!o.lang) lang = user.language;
  // Every console role reads (dashboards' `read` permission); a row whose roles were all dropped reads nothing.
  if (user.roles.length === 0) exit(REFUSED, say('report_cli.user_no_read', { user: o.user }));
  scope = user.scope;
}

const check = checkRequest(
  {
    type,
    period: o.period,
    stations: o.station ?? [],
    formats: (o.format ?? 'csv').split(',').map((f) => f.trim()),
    lang: o.lang ?? lang,
  },
  { specs: reportTypes, formats: availableFormats(), registry: generation.stations, scope, now: Date.now() },
);
if (!check.ok) exit(REFUSED, say(check.refusal.key, check.refusal.params));

const started = performance.now();
const progress = progressReporter(process.stderr, say, started);
try {
  const { files } = await generateReport(check.value, {
    source: generation.source,
    formats: FORMATS,
    outDir: resolve(o.out ?? '.'),
    agency: generation.agency,
    onStation: progress.station,
  });
  progress.end();
  for (const file of files)
    process.stdout.write(
      `${say('report_cli.file', { path: file.path, bytes: file.bytes, sha256: file.sha256 })}\n`,
    );
  const elapsed = Math.round((performance.now() - started) / 100) / 10;
  process.stderr.write(`${say('report_cli.done', { count: files.length, elapsed })}\n`);
} catch (err) {
  progress.end();
  process.exitCode = FAILED;
  process.stderr.write(`report: ${say('report_cli.failed', { error: (err as Error).message })}\n`);
} finally {
  generation.close();
  await closePrinters();
}
