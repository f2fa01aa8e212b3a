import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { ConfigError } from '../../lib/config.ts';

/**
 * A scenario is data (simulators/scenarios/*.json): events push model drivers for a while, faults
 * corrupt what a sensor reports, and `expect` states the signature the scenario must produce (the
 * tests check every file's claims). Times are hours from the scenario start.
 */
const Id = z.string().regex(STATION_ID_PATTERN);
const Hours = z.number().min(0);

export const TargetsSchema = z
  .strictObject({
    stations: z.array(Id).optional(),
    districts: z.array(Id).optional(),
    kinds: z.array(z.string()).optional(),
  })
  .refine((t) => t.stations || t.districts || t.kinds, 'name stations, districts or kinds');

export const EventSchema = z
  .strictObject({
    name: z.string(),
    targets: TargetsSchema,
    fromH: Hours,
    toH: Hours,
    /** Linear rise from fromH over rampH, and fall over fallH before toH (0 = a step). */
    rampH: Hours.default(0),
    fallH: Hours.default(0),
    /** Driver -> value at full strength; drivers of all active events add up. */
    drivers: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number()),
  })
  .refine((e) => e.toH > e.fromH, 'toH must be after fromH')
  .refine((e) => e.rampH + e.fallH <= e.toH - e.fromH, 'rampH + fallH must fit between fromH and toH');

const FaultBase = { targets: TargetsSchema, fromH: Hours, toH: Hours, note: z.string().optional() };
const Probability = z.number().min(0).max(1);

export const FaultSchema = z.discriminatedUnion('type', [
  /** The reading freezes at the value it had when the fault began (a hung ADC, a blocked cell). */
  z.strictObject({ type: z.literal('stuck'), field: z.string(), ...FaultBase }),
  /** Calibration drift: perHour added per hour since fromH. */
  z.strictObject({ type: z.literal('drift'), field: z.string(), perHour: z.number(), ...FaultBase }),
  /** Random spikes: with `probability` the value is multiplied by `factor`. */
  z.strictObject({
    type: z.literal('spikes'),
    field: z.string(),
    probability: Probability,
    factor: z.number(),
    ...FaultBase,
  }),
  /** Readings not sent (power cut, modem down). */
  z.strictObject({ type: z.literal('dropout'), probability: Probability.default(1), ...FaultBase }),
  /** Device clock off by offsetMs: the payload time is wrong, the reading is not. */
  z.strictObject({ type: z.literal('clock_skew'), offsetMs: z.number().int(), ...FaultBase }),
  /** The same message sent twice (a retry after a lost PUBACK, a firmware bug). */
  z.strictObject({ type: z.literal('duplicate'), probability: Probability.default(1), ...FaultBase }),
]);

export const ExpectSchema = z
  .strictObject({
    station: Id,
    field: z.string(),
    fromH: Hours,
    toH: Hours,
    /** Hourly means of the field over the window, then their max, min or mean. */
    stat: z.enum(['max_hourly', 'min_hourly', 'mean']),
    above: z.number().optional(),
    below: z.number().optional(),
    /** Compared with the same window of a run of the same seed without the scenario. */
    riseAtLeast: z.number().optional(),
    dropAtLeast: z.number().optional(),
    why: z.string(),
  })
  .refine(
    (e) => [e.above, e.below, e.riseAtLeast, e.dropAtLeast].filter((v) => v !== undefined).length === 1,
    'give exactly one of above, below, riseAtLeast, dropAtLeast',
  );

export const ScenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string(),
  description: z.string(),
  /** Default simulated start (RFC 3339 with zone): with the seed it makes the stream reproducible. */
  start: z.iso.datetime({ offset: true }),
  durationH: z.number().positive(),
  /** Simulated minutes between readings a test or a replay should use. */
  stepMin: z.number().positive().default(5),
  events: z.array(EventSchema).default([]),
  faults: z.array(FaultSchema).default([]),
  expect: z.array(ExpectSchema).default([]),
});

export type Targets = z.infer<typeof TargetsSchema>;
export type ScenarioEvent = z.infer<typeof EventSchema>;
export type Fault = z.infer<typeof FaultSchema>;
export type Expectation = z.infer<typeof ExpectSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues
    .slice(0, 10)
    .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`${source}: invalid scenario:\n${lines.join('\n')}`);
}

export function loadScenario(path: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the scenario (${(err as Error).message})`);
  }
  return parseScenario(json, path);
}

export function targets(t: Targets, station: { id: string; district: string; kind: string }): boolean {
  if (t.stations && !t.stations.includes(station.id)) return false;
  if (t.districts && !t.districts.includes(station.district)) return false;
  if (t.kinds && !t.kinds.includes(station.kind)) return false;
  return true;
}
