import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../lib/config.ts';
import { type SimulatorConfig, SimulatorConfigSchema, simulatorConfigFromEnv } from './config.ts';

export const HELP = `npm run simulate -- [options]

Simulates Depok's stations (simulators/stations/depok.json) as authenticated MQTT devices.

  --stations FILE        station catalogue (default simulators/stations/depok.json)
  --kinds LIST           only these kinds, comma-separated (air_quality,wastewater,water_network)
  --scenario NAME|FILE   a scenario: haze-episode, plant-failure, pipe-burst, slow-leak, sensor-faults
  --seed N               same seed, same stream (default SIM_SEED or 1)
  --interval-ms N        real ms between two readings of a station (default SIM_INTERVAL_MS or 5000)
  --time-scale N         simulated seconds per real second; 1440 = a day per minute
  --start TIME           simulated start: RFC 3339, now, scenario, or auto (default)
  --format F             native, senml, sensor_community, or station (each station's own; default)
  --rounds N             stop after N readings per station (0 = until Ctrl-C)
  --duration S           stop after S seconds
  --qos 0|1              MQTT QoS (default 1)
  --mqtt-url URL         broker (default MQTT_URL or mqtt://127.0.0.1:1883)
  --credentials FILE     device secrets [{id, kind, secret}] (default state/simulator-credentials.json)
  --provision REGISTRY   first add missing devices to this registry file (cheap load-test scrypt) and
                         write their secrets to --credentials
  --scale N              scale mode: N load-test devices cloned from the catalogue (ids load-...)
  --rate R               scale mode: aggregate readings/s (sets --interval-ms to N*1000/R)
  --progress-ms N        progress line every N ms (default 10000; 0 = none)
  --check                offline: run the scenario and its baseline, print its signature, exit 1 if unmet
  --print N              offline: print the first N payloads of each station and exit
  -h, --help             this text

Environment: MQTT_URL, SIM_CREDENTIALS, SIM_INTERVAL_MS, SIM_TIME_SCALE, SIM_SEED, SIM_QOS, SIM_ROUNDS,
SIM_STATIONS, SIM_SCENARIO, SIM_START, SIM_FORMAT, SIM_PROGRESS_MS (options win).
`;

const CliSchema = z
  .object({
    kinds: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
    durationS: z.coerce.number().positive().optional(),
    provision: z.string().optional(),
    scale: z.coerce.number().int().min(1).max(100_000).optional(),
    rate: z.coerce.number().positive().optional(),
    check: z.boolean().default(false),
    print: z.coerce.number().int().min(1).optional(),
  })
  .refine((o) => (o.scale === undefined) === (o.rate === undefined), {
    message: '--scale and --rate go together',
    path: ['scale'],
  });
export type CliOptions = z.infer<typeof CliSchema>;

const scenarioDir = join(import.meta.dirname, 'scenarios');

/** A scenario given by name resolves to simulators/scenarios/<name>.json. */
export function resolveScenarioPath(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^[a-z0-9-]+$/.test(value)) {
    const named = join(scenarioDir, `${value}.json`);
    if (existsSync(named)) return named;
    throw new ConfigError(`unknown scenario '${value}' (see simulators/scenarios/)`);
  }
  return value;
}

/** argv + environment -> validated settings, or a ConfigError naming each bad option. */
export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { help: true } | { help: false; config: SimulatorConfig; cli: CliOptions } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        stations: { type: 'string' },
        kinds: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        'interval-ms': { type: 'string' },
        'time-scale': { type: 'string' },
        start: { type: 'string' },
        format: { type: 'string' },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        qos: { type: 'string' },
        'mqtt-url': { type: 'string' },
        credentials: { type: 'string' },
        provision: { type: 'string' },
        scale: { type: 'string' },
        rate: { type: 'string' },
        'progress-ms': { type: 'string' },
        check: { type: 'boolean' },
        print: { type: 'string' },
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n(try --help)`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return { help: true };
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const cli = parseConfig(CliSchema, {
    kinds: str('kinds')
      ?.split(',')
      .map((k) => k.trim()),
    durationS: str('duration'),
    provision: str('provision'),
    scale: str('scale'),
    rate: str('rate'),
    check: v.check === true,
    print: str('print'),
  });
  const base = simulatorConfigFromEnv(env);
  const intervalFromRate =
    cli.scale !== undefined && cli.rate !== undefined ? Math.round((cli.scale * 1000) / cli.rate) : undefined;
  const config = parseConfig(SimulatorConfigSchema, {
    ...base,
    mqttUrl: str('mqtt-url') ?? base.mqttUrl,
    credentialsPath: str('credentials') ?? base.credentialsPath,
    intervalMs: intervalFromRate ?? str('interval-ms') ?? base.intervalMs,
    timeScale: str('time-scale') ?? base.timeScale,
    seed: str('seed') ?? base.seed,
    qos: str('qos') === undefined ? base.qos : Number(str('qos')),
    rounds: str('rounds') ?? base.rounds,
    stationsPath: str('stations') ?? base.stationsPath,
    scenarioPath: resolveScenarioPath(str('scenario') ?? base.scenarioPath),
    start: str('start') ?? base.start,
    format: str('format') ?? base.format,
    progressMs: str('progress-ms') ?? base.progressMs,
    connectConcurrency: cli.scale !== undefined ? 200 : base.connectConcurrency,
  });
  if (cli.check && !config.scenarioPath)
    throw new ConfigError('invalid configuration:\n  check: --check needs --scenario');
  return { help: false, config, cli };
}
