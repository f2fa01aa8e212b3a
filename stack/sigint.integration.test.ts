import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../lib/process/ports.ts';
import {
  cloneLikeFolder,
  type Job,
  leftovers,
  listening,
  REPO_ROOT,
  startJob,
  untilNothingLeft,
  userEnv,
} from './testing/shell-job.ts';

// `npm start` run as a person runs it, in a checkout of its own, and stopped with Ctrl-C (SIGINT to
// its process group) at several moments of its start-up. influxd and Node-RED run in process groups
// of their own, which a terminal's Ctrl-C does not reach: the stack must stop them itself.

type Moment = {
  name: string;
  reached: (job: Job) => Promise<void>;
  /** Ctrl-C a second time, a second after the first. */
  again?: boolean;
  /** Exit codes of npm that are right at this moment. */
  code: number[];
  /** It may end before it logs anything. */
  quiet?: boolean;
};

describe('npm start: Ctrl-C at any moment of start-up', () => {
  let folder = '';
  const jobs: Job[] = [];
  afterAll(async () => {
    for (const job of jobs) for (const p of leftovers(job, folder)) process.kill(p.pid, 'SIGKILL');
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('leaves no process of the stack behind, and the next start on the same state succeeds', async () => {
    folder = await cloneLikeFolder();
    const ports = {
      INFLUX_PORT: await freePort(),
      BROKER_PORT: await freePort(),
      BROKER_HTTP_PORT: await freePort(),
      INGEST_HTTP_PORT: await freePort(),
      FLOWS_PORT: await freePort(),
      CONSOLE_HTTP_PORT: await freePort(),
      PUBLIC_PORT: await freePort(),
    };
    const stations = join(folder, 'three-stations.json');
    await writeFile(stations, JSON.stringify(await threeStations()));
    const env = userEnv({
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      SIM_STATIONS: stations,
      SIM_INTERVAL_MS: '500',
    });
    const stackProcess = (job: Job) => job.seen().some((p) => /(^|\/)node stack\/main\.ts/.test(p.args));
    const nodeRedStarting = (job: Job) =>
      job.seen().some((p) => p.args.includes('node-red') && p.args.includes(folder));
    const influxAnswers = async () => (await fetch(`http://127.0.0.1:${ports.INFLUX_PORT}/ping`)).ok;

    const moments: Moment[] = [
      {
        name: 'as soon as the stack process runs',
        reached: (job) => waitFor(() => stackProcess(job), 10_000, 'node stack/main.ts'),
        // Before its handlers are installed Node dies of the signal, and npm with it: nothing had started.
        code: [0, 130],
        quiet: true,
      },
      {
        name: 'right after influxd answers',
        reached: () => waitFor(influxAnswers, 20_000, 'influxd answering'),
        code: [0],
      },
      {
        // The stop waits for Node-RED to be up, then stops it and the rest in order.
        name: 'while Node-RED starts',
        reached: (job) => waitFor(() => nodeRedStarting(job), 20_000, 'Node-RED spawned'),
        code: [0],
      },
      {
        name: 'while Node-RED starts, and Ctrl-C again a second later',
        reached: (job) => waitFor(() => nodeRedStarting(job), 20_000, 'Node-RED spawned'),
        again: true,
        code: [0, 130], // 130: the second Ctrl-C came while the stack was still stopping
      },
      {
        name: 'once the stack runs',
        reached: (job) =>
          waitFor(
            () => logLines(job).some((l) => l.msg.startsWith('stack running')),
            30_000,
            'stack running',
          ),
        code: [0],
      },
    ];

    for (const moment of moments) {
      const job = startJob('npm', ['start'], folder, env);
      jobs.push(job);
      await moment.reached(job).catch((err: Error) => {
        throw new Error(`${moment.name}: ${err.message}\n${job.output()}`);
      });
      job.ctrlC();
      if (moment.again) {
        await Promise.race([job.exited, new Promise((r) => setTimeout(r, 1100))]);
        job.ctrlC();
      }
      const exit = await bounded(job.exited, 30_000, `${moment.name}: npm start did not stop`);
      await untilNothingLeft(job, folder).catch((err: Error) => {
        throw new Error(`${moment.name}: ${err.message}\n${job.output()}`);
      });
      const code = exit.code ?? 128 + (exit.signal === 'SIGINT' ? 2 : 0);
      expect(moment.code, `${moment.name}: exit ${JSON.stringify(exit)}\n${job.output()}`).toContain(code);
      for (const [name, port] of Object.entries(ports))
        expect(await listening(port), `${moment.name}: ${name} ${port} still bound`).toBe(false);
      // Not a terminal: every line the stack printed is a JSON log line (npm's own header aside).
      const logged = logLines(job);
      if (!moment.quiet) expect(logged.length).toBeGreaterThan(0);
    }
    // The last moment was a full start on the state the interrupted ones left: it succeeded.
    const last = jobs.at(-1);
    expect(last && logLines(last).some((l) => l.msg === 'stack stopped')).toBe(true);
  }, 90_000);
});

/** The stack's stdout as log entries; a line that is not JSON (other than npm's header) fails the test. */
function logLines(job: Job): { msg: string }[] {
  return job
    .lines()
    .slice(0, -1) // the last piece may be a line still being written
    .filter((line) => line.trim() !== '' && !line.startsWith('> '))
    .map((line) => {
      try {
        return JSON.parse(line) as { msg: string };
      } catch {
        throw new Error(`npm start printed a line that is not JSON to a pipe: ${line}`);
      }
    });
}

async function threeStations() {
  const catalogue = JSON.parse(
    await readFile(join(REPO_ROOT, 'simulators', 'stations', 'depok.json'), 'utf8'),
  ) as { stations: { kind: string }[] };
  const oneOfEach = new Map<string, unknown>();
  for (const s of catalogue.stations) if (!oneOfEach.has(s.kind)) oneOfEach.set(s.kind, s);
  return { ...catalogue, stations: [...oneOfEach.values()] };
}

function bounded<T>(promise: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
