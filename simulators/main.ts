import { readFile } from 'node:fs/promises';
import { topics } from '../lib/catalogue/topics.ts';
import { createLogger, type Logger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { parseCli } from './cli-options.ts';
import type { SimulatorConfig } from './config.ts';
import { createStationStream } from './core/stream.ts';
import type { DeviceCredentials } from './device-pool.ts';
import { encodeMessage } from './encode/payload.ts';
import { syntheticFleet } from './fleet.ts';
import { provisionFleet } from './scale/provision.ts';
import { assertScenarioFits } from './scenarios/check.ts';
import { loadScenario } from './scenarios/schema.ts';
import { checkSignature } from './scenarios/signature.ts';
import { type SimulatorService, startSimulator } from './service.ts';
import { DEPOK_STATIONS_PATH, loadStations, type SimStation } from './stations/load.ts';

/** `npm run simulate`: the CLI around startSimulator (simulators/README.md). */
function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(1);
}

let parsed: ReturnType<typeof parseCli>;
try {
  parsed = parseCli(process.argv.slice(2));
} catch (err) {
  fail((err as Error).message);
}
if (parsed.help) {
  const { HELP } = await import('./cli-options.ts');
  process.stdout.write(HELP);
  process.exit(0);
}
const { config, cli } = parsed;

let stations: SimStation[];
try {
  stations = loadStations(config.stationsPath ?? DEPOK_STATIONS_PATH, cli.kinds);
  if (stations.length === 0) fail(`no stations of kinds ${cli.kinds?.join(', ')}`);
  if (cli.scale) stations = syntheticFleet(cli.scale, stations);
} catch (err) {
  fail((err as Error).message);
}

if (cli.check) {
  const scenario = loadScenario(config.scenarioPath as string);
  assertScenarioFits(scenario, stations);
  let ok = true;
  for (const r of checkSignature(scenario, stations, config.seed)) {
    ok &&= r.ok;
    const base = r.baseline === undefined ? '' : ` (baseline ${r.baseline.toFixed(2)})`;
    process.stdout.write(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.station}.${r.field} ${r.stat} h${r.fromH}-${r.toH}: ${r.value.toFixed(2)}${base} - ${r.why}\n`,
    );
  }
  process.exit(ok ? 0 : 1);
}

if (cli.print) {
  const scenario = config.scenarioPath ? loadScenario(config.scenarioPath) : undefined;
  const start = scenario && config.start === 'scenario' ? Date.parse(scenario.start) : Date.now();
  for (const station of stations) {
    const stream = createStationStream(station, {
      seed: config.seed,
      start,
      stepMs: config.intervalMs * config.timeScale,
      scenario,
    });
    for (let i = 0; i < cli.print; i++) {
      const m = stream.next();
      const payload = encodeMessage(m, config.format);
      for (let c = 0; c < m.copies; c++)
        process.stdout.write(`${topics.reading(station.kind, station.id)} ${payload}\n`);
    }
  }
  process.exit(0);
}

async function credentialsFor(config: SimulatorConfig): Promise<DeviceCredentials[]> {
  if (cli.provision) return provisionFleet(cli.provision, config.credentialsPath, stations);
  try {
    return JSON.parse(await readFile(config.credentialsPath, 'utf8')) as DeviceCredentials[];
  } catch (err) {
    throw Object.assign(
      new Error(`cannot read credentials ${config.credentialsPath}: ${(err as Error).message}`),
      {
        code: 'SIM_NO_CREDENTIALS',
        hint: 'run `npm start` once, or pass --provision <registry.json> to create devices',
      },
    );
  }
}

function summary(service: SimulatorService, log: Logger): void {
  const s = service.stats();
  const perS = Math.round((s.published * 1000) / Math.max(1, s.elapsedMs));
  process.stdout.write(
    `\nsimulate: ${s.devices} devices, ${s.readings} readings, ${s.published} messages acknowledged ` +
      `(${s.duplicates} duplicates, ${s.droppedByFault} dropped by faults, ${s.errors} errors) ` +
      `in ${(s.elapsedMs / 1000).toFixed(1)} s: ${perS} readings/s; device time reached ${new Date(s.simTime).toISOString()}\n`,
  );
  log.debug({ ...s, perS }, 'simulator summary');
}

const log = createLogger('simulators');
await runService(
  'simulate',
  async (logger) => {
    const service = await startSimulator(config, stations, await credentialsFor(config), logger);
    let closed: Promise<void> | undefined;
    const close = () => {
      closed ??= service.close().then(() => summary(service, logger));
      return closed;
    };
    const finish = () => close().then(() => process.exit(service.stats().errors > 0 ? 1 : 0));
    if (config.rounds > 0) void service.done.then(finish);
    if (cli.durationS) setTimeout(finish, cli.durationS * 1000).unref();
    return { close };
  },
  log,
);
