import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Language } from '../../lib/i18n/index.ts';
import { parseRrule } from '../../lib/qa/recurrence.ts';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import { alertMqtt, type Effects } from './alert.ts';
import { createEngine, type Engine, type RegistryDevice } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

/**
 * Golden engine cases in the Telegraf style: each folder of testdata/ holds its own `rules.json`
 * (never the shipped one), a `readings.jsonl` stream and the `expected.jsonl` outputs; optional
 * `overrides.json` (the override file), `engine.json` (`{"escalateAfterS"}`, default 0 = never;
 * `{"language"}`, the messages' language, default `id`) and
 * `stations.json`, the registry the engine starts with (`{"devices": [{"id", "kind", "revoked"?}]}`,
 * as in the registry file, applied at the first line's time; without it the engine has no registry)
 * and `maintenance.json`, the maintenance windows at start (`{"windows": [{"id", "station", "fields"?,
 * "type"?, "start", "end", "rrule"?, "durationMs"?}]}`, times ISO or epoch ms, `end` null = open).
 * A new case is a new folder.
 *
 * Each stream line has `at` (arrival time, ISO or epoch ms; the engine's clock) and one of:
 *   `{"kind", "station", "ts"?, "values", "validity"?, "tags"?}`  a reading (`ts`, device time,
 *                                                    defaults to `at`; `validity`: code per field)
 *   `{"tick": true}`                                  the periodic tick (staleness, escalation)
 *   `{"ack": "<alert id>", "by", "comment"?}`         an acknowledgement
 *   `{"restore": "<file>"}`                           restores a snapshot file of the case folder
 *   `{"registry": [{"id", "kind", "revoked"?}]}`      the registry's devices after a change
 *   `{"maintenance": [window, ...]}`                 the maintenance windows after a change
 *   `{"active": true}`                                lists the active alerts
 * and may carry a `note`, ignored. Outputs name the stream line that caused them (`in`):
 * `{"event", "alert"}` per transition, `{"line"}` per InfluxDB line, `{"mqtt", "retain", "payload"}`
 * per MQTT message other than an alert's (those must be exactly `alertMqtt` of each transition),
 * `{"ack": status}` and `{"active": alert}`.
 *
 * `GOLDEN_UPDATE=1 npx vitest run flows/core/golden.test.ts` rewrites expected.jsonl from the engine:
 * review the diff before committing it.
 */
const root = join(import.meta.dirname, 'testdata');
const standards = loadStandards();
const cases = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

type Step = Record<string, unknown> & { at: number; in: number };
type Output = Record<string, unknown>;

const time = (v: unknown, where: string): number => {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`${where}: not a time: ${JSON.stringify(v)}`);
  return ms;
};

function readJsonl(path: string): { line: number; value: Record<string, unknown> }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((l) => l.text !== '')
    .map((l) => {
      try {
        return { line: l.line, value: JSON.parse(l.text) };
      } catch (err) {
        throw new Error(`${path}:${l.line}: ${(err as Error).message}`);
      }
    });
}

const readJson = (dir: string, file: string, fallback: unknown) =>
  existsSync(join(dir, file)) ? JSON.parse(readFileSync(join(dir, file), 'utf8')) : fallback;

function engineFor(dir: string): Engine {
  const rules = buildRuleSet(
    parseRulesFile(readJson(dir, 'rules.json', undefined)),
    parseOverrides(readJson(dir, 'overrides.json', {})),
    standards,
  );
  const options = readJson(dir, 'engine.json', {}) as { escalateAfterS?: number; language?: Language };
  return createEngine({
    rules,
    escalateAfterMs: (options.escalateAfterS ?? 0) * 1000,
    language: options.language,
  });
}

type WindowLine = Omit<MaintenanceWindow, 'start' | 'end' | 'fields' | 'type' | 'recurrence'> &
  Partial<Pick<MaintenanceWindow, 'fields' | 'type'>> & {
    start: unknown;
    end: unknown;
    rrule?: string;
    durationMs?: number;
  };

/** Windows as a case writes them (ISO times, an RRULE text) as lib/qa evaluates them. */
function windowsOf(lines: readonly WindowLine[], where: string): MaintenanceWindow[] {
  return lines.map((w) => {
    const window: MaintenanceWindow = {
      id: w.id,
      station: w.station,
      fields: w.fields ?? null,
      type: w.type ?? 'maintenance',
      start: time(w.start, `${where} start`),
      end: w.end === null ? null : time(w.end, `${where} end`),
    };
    if (w.rrule !== undefined) {
      const rule = parseRrule(w.rrule);
      if (!rule.ok) throw new Error(`${where}: ${w.rrule}: ${JSON.stringify(rule)}`);
      window.recurrence = { rule: rule.value, durationMs: w.durationMs ?? 0 };
    }
    return window;
  });
}

function effectsOut(n: number, fx: Effects): Output[] {
  const out: Output[] = fx.events.map((e) => ({ in: n, event: e.event, alert: e.alert }));
  const alertTopics = fx.events.filter((e) => e.event !== 'escalated').flatMap((e) => alertMqtt(e.alert));
  expect(
    fx.mqtt.filter((m) => m.topic.startsWith('alerts/')),
    `line ${n}: alert MQTT`,
  ).toEqual(alertTopics);
  for (const line of fx.lines) out.push({ in: n, line });
  for (const m of fx.mqtt.filter((x) => !x.topic.startsWith('alerts/'))) {
    out.push({ in: n, mqtt: m.topic, retain: m.retain, qos: m.qos, payload: JSON.parse(m.payload) });
  }
  return out;
}

function run(dir: string): Output[] {
  const engine = engineFor(dir);
  const out: Output[] = [];
  const lines = readJsonl(join(dir, 'readings.jsonl'));
  const start = readJson(dir, 'stations.json', undefined) as { devices: RegistryDevice[] } | undefined;
  const windows = readJson(dir, 'maintenance.json', { windows: [] }) as { windows: WindowLine[] };
  engine.setMaintenance(windowsOf(windows.windows, 'maintenance.json'));
  if (start) {
    const fx = engine.setRegistry(start.devices, time(lines[0]?.value.at, 'readings.jsonl:1'));
    out.push(...effectsOut(0, fx));
  }
  for (const { line, value } of lines) {
    const s: Step = { ...value, at: time(value.at, `readings.jsonl:${line}`), in: line };
    if (Array.isArray(s.maintenance)) {
      engine.setMaintenance(windowsOf(s.maintenance as WindowLine[], `readings.jsonl:${line}`));
    } else if (Array.isArray(s.registry)) {
      out.push(...effectsOut(line, engine.setRegistry(s.registry as RegistryDevice[], s.at)));
    } else if (typeof s.restore === 'string') {
      engine.restore(JSON.parse(readFileSync(join(dir, s.restore), 'utf8')), s.at);
    } else if (s.tick === true) {
      out.push(...effectsOut(line, engine.onTick(s.at)));
    } else if (typeof s.ack === 'string') {
      const ack = { by: String(s.by), ...(typeof s.comment === 'string' ? { comment: s.comment } : {}) };
      const result = engine.acknowledge(s.ack, ack, s.at);
      out.push({ in: line, ack: result.status }, ...effectsOut(line, result.effects));
    } else if (s.active === true) {
      for (const alert of engine.activeAlerts()) out.push({ in: line, active: alert });
    } else if (typeof s.kind === 'string' && typeof s.station === 'string') {
      const reading = {
        kind: s.kind,
        station: s.station,
        ts: s.ts === undefined ? s.at : time(s.ts, `readings.jsonl:${line} ts`),
        values: s.values as Record<string, number>,
        ...(s.validity ? { validity: s.validity as Record<string, number> } : {}),
        ...(s.tags ? { tags: s.tags as Record<string, string> } : {}),
      };
      out.push(...effectsOut(line, engine.onReading(reading, s.at)));
    } else {
      throw new Error(
        `readings.jsonl:${line}: not a reading, tick, ack, restore, registry, maintenance or active line`,
      );
    }
  }
  return out;
}

/** Sorted keys (`in` and `event` first), so a diff shows changed values and not key order. */
const rank = (key: string) => ['in', 'event'].indexOf(key) >>> 0;
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)))
      : v,
  );
}

describe('golden engine cases (testdata/<case>)', () => {
  it('has cases, each complete', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) {
      for (const file of ['rules.json', 'readings.jsonl', 'expected.jsonl']) {
        expect(existsSync(join(root, name, file)), `${name}/${file}`).toBe(true);
      }
    }
  });

  it.each(cases)('%s', (name) => {
    const dir = join(root, name);
    const actual = run(dir);
    if (process.env.GOLDEN_UPDATE === '1') {
      writeFileSync(join(dir, 'expected.jsonl'), actual.map((o) => `${JSON.stringify(o)}\n`).join(''));
    }
    const expected = readJsonl(join(dir, 'expected.jsonl')).map((l) => l.value);
    expect(expected.length, `${name}: expected.jsonl is empty`).toBeGreaterThan(0);
    // One output per line, so a failure prints a line diff (- expected, + actual).
    expect(actual.map(canonical).join('\n'), `${name}: outputs differ from expected.jsonl`).toBe(
      expected.map(canonical).join('\n'),
    );
  });
});
