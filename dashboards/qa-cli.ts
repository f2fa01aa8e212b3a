import { parseArgs } from 'node:util';
import { formatWib } from '../lib/qa/time.ts';
import { openRecords } from '../lib/records/database.ts';
import { loadRegistry } from '../lib/registry/store.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';
import { ConsoleSettings, recordsPathFromEnv } from './config.ts';
import type { QaActor, QaOutcome, StationLookup } from './qa/common.ts';
import { createPointSource } from './qa/influx-points.ts';
import { MaintenanceDesk, type WindowView } from './qa/maintenance-desk.ts';
import { type DecisionView, ValidationDesk } from './qa/validation-desk.ts';

const USAGE = `Usage: npm run qa -- <command> [arguments] [options]

Commands (times: ISO 8601, Depok time (WIB) unless a zone is given, e.g. 2026-12-01T09:00):
  maintenance add <station> --type TYPE --from TIME [--to TIME] [--field F]... [--logged]
                  [--rrule RULE --duration 2h] [--who NAMES] [--notes TEXT] --as USER
  maintenance list [station] [--type TYPE] [--from TIME --to TIME]
  maintenance end <id> [--at TIME] --as USER            (default: now)
  maintenance edit <id> [--from TIME] [--to TIME] [--field F]... [--notes TEXT] [--who NAMES] --as USER
  calibration add <station> --field F --from TIME [--to TIME] --reference TEXT
                  [--zero N] [--span N] [--span-target N] [--offset=N] [--who NAMES] [--notes TEXT] --as USER
                  (a negative number with '=': --offset=-0.4)
  calibration list [station]
  validate <station> --fields a,b --from TIME --to TIME --decision valid|invalid [--reason TEXT] --as USER
  list [station] [--field F] [--from TIME --to TIME]    validators' decisions, newest first

Types: maintenance, calibration, instrument_failure, production_stopped. --to left out: an open window.
--rrule: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (weekly), BYMONTHDAY (monthly), COUNT or UNTIL;
  the first occurrence is --from, each lasts --duration; --to then ends the series.
--as USER: the console user (records database) who answers for the change; their roles and scope are
  checked (operators and admins maintain and calibrate, validators and admins validate).
Options:
  --records PATH     records database (default: $RECORDS_PATH, or state/records.db)
  --registry PATH    the station registry (default: $REGISTRY_PATH or state/registry.json)
  --influx-url URL   InfluxDB for "the range holds data" (default: the console's INFLUX_URL; its login
                     from INFLUX_USERNAME / INFLUX_PASSWORD or INFLUX_TOKEN, never from an option)
  --json             print the records as JSON
Exit status: 0 done, 2 refused (bad input, role or scope, usage; nothing changed), 1 other errors.
`;

function usage(problem: string): never {
  process.stderr.write(`qa: ${problem}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  const text = { type: 'string' } as const;
  return parseArgs({
    allowPositionals: true,
    options: {
      type: text,
      from: text,
      to: text,
      at: text,
      field: { type: 'string', multiple: true },
      fields: text,
      logged: { type: 'boolean', default: false },
      rrule: text,
      duration: text,
      who: text,
      notes: text,
      reference: text,
      zero: text,
      span: text,
      'span-target': text,
      offset: text,
      decision: text,
      reason: text,
      as: text,
      records: text,
      registry: text,
      'influx-url': text,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
let parsed: ReturnType<typeof parse>;
try {
  parsed = parse();
} catch (err) {
  usage((err as Error).message);
}
const { values: o, positionals } = parsed;
const [group, sub, arg] = positionals;
if (o.help || !group) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && text.trim() !== '' ? n : usage(`--${name} must be a number`);
};
const defined = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
const windowId = (text: string | undefined) =>
  text && /^\d{1,12}$/.test(text) ? Number(text) : usage('give the window id (see maintenance list)');

const influx = settingsFromEnv(
  { influx: ConsoleSettings.influx },
  settingsSchema({ influx: ConsoleSettings.influx }),
  o['influx-url'] ? { ...process.env, INFLUX_URL: o['influx-url'] } : process.env,
).influx;
const registryPath = o.registry ?? process.env.REGISTRY_PATH ?? 'state/registry.json';
const registry = await loadRegistry(registryPath).catch((err: Error) => {
  process.stderr.write(`qa: cannot read the registry ${registryPath}: ${err.message}\n`);
  process.exit(1);
});
const devices = new Map(registry.devices.filter((d) => !d.revoked).map((d) => [d.id, d]));
const stations: StationLookup = (id) => {
  const d = devices.get(id);
  return d && { id: d.id, kind: d.kind, operator: d.operator };
};

const records = openRecords(o.records ?? recordsPathFromEnv(process.env));

/** The console user named by --as, with their roles and scope; reads need none (the file is yours). */
function actor(required: boolean): QaActor {
  if (!o.as) {
    if (required) usage('name the console user who answers for this change: --as USER');
    return { name: 'cli', via: 'cli', access: { roles: ['viewer'], scope: {} } };
  }
  const user = records.users.get(o.as);
  if (!user) {
    process.stderr.write(`qa: refused: there is no console user '${o.as}' (npm run users -- list)\n`);
    records.close();
    process.exit(2);
  }
  return { name: user.username, via: 'cli', access: { roles: user.roles, scope: user.scope } };
}

const fieldList = () => (o.fields ?? '').split(',').filter((f) => f !== '');
const span = (v: WindowView) =>
  `${v.start ? formatWib(Date.parse(v.start)) : ''} - ${v.end ? formatWib(Date.parse(v.end)) : 'open'}`;
const showWindow = (v: WindowView) =>
  [
    `#${v.id}`,
    v.station,
    v.type,
    v.fields?.join(',') ?? 'all fields',
    span(v),
    v.rrule ? `${v.rrule} for ${(v.duration_ms ?? 0) / 60_000} min` : '',
    v.calibration
      ? `zero ${v.calibration.zero_reading ?? '-'} span ${v.calibration.span_reading ?? '-'}/${v.calibration.span_target ?? '-'} offset ${v.calibration.offset_applied ?? '-'} (${v.calibration.reference})`
      : '',
    `by ${v.who}`,
    v.notes,
  ]
    .filter((part) => part !== '')
    .join('  ');
const showDecision = (d: DecisionView) =>
  `#${d.id}  ${d.station}  ${d.fields.join(',')}  ${formatWib(Date.parse(d.from ?? ''))} - ${formatWib(Date.parse(d.to ?? ''))}  ${d.decision}${d.reason ? ` (${d.reason})` : ''}  ${d.points} values  by ${d.decided_by} at ${formatWib(Date.parse(d.decided_at ?? ''))}`;

function finish<T>(outcome: QaOutcome<T>, show: (value: T) => string): void {
  if (!outcome.ok) {
    process.stderr.write(`qa: refused: ${outcome.problem}\n`);
    // InfluxDB down or not configured is not bad input: exit 1, as other errors.
    process.exitCode = outcome.status >= 500 ? 1 : 2;
    return;
  }
  process.stdout.write(o.json ? `${JSON.stringify(outcome.value, null, 2)}\n` : `${show(outcome.value)}\n`);
}
const lines =
  <T>(show: (v: T) => string) =>
  (list: T[]) =>
    list.length ? list.map(show).join('\n') : '(none)';

try {
  const maintenance = new MaintenanceDesk(records, { stations });
  const validation = new ValidationDesk(records, { stations, points: createPointSource(influx) });
  const command = ['maintenance', 'calibration'].includes(group) ? `${group} ${sub ?? ''}` : group;
  const station = ['maintenance', 'calibration'].includes(group) ? arg : sub;
  const range = defined({ from: o.from, to: o.to });
  switch (command) {
    case 'maintenance add':
      finish(
        maintenance.add(
          defined({
            station: station ?? usage('give the station'),
            type: o.type ?? usage(`--type is required`),
            origin: o.logged ? 'logged' : 'planned',
            fields: o.field,
            start: o.from ?? usage('--from is required'),
            end: o.to,
            rrule: o.rrule,
            duration: o.duration,
            who: o.who,
            notes: o.notes,
          }),
          actor(true),
        ),
        (v) => `added ${showWindow(v)}`,
      );
      break;
    case 'maintenance list':
      finish(maintenance.list(defined({ station, type: o.type, ...range }), actor(false)), lines(showWindow));
      break;
    case 'maintenance end':
      finish(
        maintenance.end(windowId(station), defined({ at: o.at }), actor(true)),
        (v) => `ended ${showWindow(v)}`,
      );
      break;
    case 'maintenance edit': {
      const patch = defined({
        start: o.from,
        end: o.to,
        fields: o.field,
        notes: o.notes,
        who: o.who,
        type: o.type,
      });
      finish(maintenance.change(windowId(station), patch, actor(true)), (v) => `changed ${showWindow(v)}`);
      break;
    }
    case 'calibration add':
      finish(
        maintenance.addCalibration(
          defined({
            station: station ?? usage('give the station'),
            field: o.field?.[0] ?? usage('--field is required'),
            start: o.from ?? usage('--from is required'),
            end: o.to,
            zero_reading: number('zero', o.zero),
            span_reading: number('span', o.span),
            span_target: number('span-target', o['span-target']),
            offset_applied: number('offset', o.offset),
            reference: o.reference ?? usage('--reference is required'),
            who: o.who,
            notes: o.notes,
          }),
          actor(true),
        ),
        (v) => `added ${showWindow(v)}`,
      );
      break;
    case 'calibration list':
      finish(maintenance.list(defined({ station }), actor(false), true), lines(showWindow));
      break;
    case 'validate':
      finish(
        await validation.decide(
          defined({
            station: station ?? usage('give the station'),
            fields: o.fields ? fieldList() : usage('--fields a,b is required'),
            from: o.from ?? usage('--from is required'),
            to: o.to ?? usage('--to is required'),
            decision: o.decision ?? usage('--decision valid|invalid is required'),
            reason: o.reason,
          }),
          actor(true),
        ),
        (d) => `recorded ${showDecision(d)}`,
      );
      break;
    case 'list':
      finish(
        validation.list(defined({ station, field: o.field?.[0], ...range }), actor(false)),
        lines(showDecision),
      );
      break;
    default:
      usage(`unknown command '${positionals.join(' ')}'`);
  }
} catch (err) {
  process.stderr.write(`qa: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  records.close();
}
