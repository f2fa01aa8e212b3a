import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/process/ports.ts';
import { openRecords } from '../lib/records/database.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';

// The CLI as a person runs it, a child process against a real influxd: two air stations with three
// days of 1-minute readings in November 2026, a wastewater station, a scoped console user.

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const DB = 'environment';
const DAY = 86_400_000;
// 2026-11-10 00:00 WIB
const START = Date.UTC(2026, 10, 9, 17);

let influx: LocalInfluxd;
let state: string;
let out: string;

type Run = { code: number; stdout: string; stderr: string };
function report(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      NODE,
      [join(ROOT, 'reports/cli.ts'), ...args, '--out', out],
      {
        cwd: state,
        env: {
          PATH: process.env.PATH,
          STATE_DIR: state,
          INFLUX_URL: influx.url,
          INFLUX_DATABASE: DB,
          ...env,
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}
const files = async () => (await readdir(out).catch(() => [])).sort();

async function writeReadings() {
  const lines: string[] = [];
  for (const [station, base] of [
    ['aq-beji-01', 30],
    ['aq-cinere-01', 60],
  ] as const)
    for (let t = START; t < START + 3 * DAY; t += 60_000) {
      const wave = Math.sin((t - START) / (6 * 3_600_000));
      lines.push(
        `air_quality,station=${station} pm25=${(base + 10 * wave).toFixed(2)},pm10=${(base * 1.6).toFixed(1)},no2=20,validity=0i ${t}`,
      );
    }
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
      method: 'POST',
      body: lines.slice(i, i + 5000).join('\n'),
    });
    expect(res.status).toBe(204);
  }
}

beforeAll(async () => {
  influx = await startLocalInfluxd();
  await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
  state = await mkdtemp(join(tmpdir(), 'report-cli-'));
  out = join(state, 'out');
  const device = (id: string, kind: string, name: string, operator: string) => ({
    id,
    kind,
    name,
    operator,
    secret_hash: 'scrypt$not-used-here',
  });
  await writeFile(
    join(state, 'registry.json'),
    JSON.stringify({
      devices: [
        device('aq-beji-01', 'air_quality', 'Beji', 'DLHK Depok'),
        device('aq-cinere-01', 'air_quality', 'Cinere', 'BMKG'),
        device('ww-ipal-01', 'wastewater', 'IPAL Kalimulya', 'UPTD PAL'),
      ],
      services: [],
    }),
  );
  const records = openRecords(join(state, 'records.db'));
  const user = (username: string, roles: string[], scope: object, language: 'id' | 'en') =>
    records.db
      .prepare(
        `INSERT INTO users (username, password_hash, roles, operators, kinds, language, stamp, created_at, updated_at)
         VALUES (?, 'scrypt$x', ?, ?, NULL, ?, 's', 0, 0)`,
      )
      .run(
        username,
        JSON.stringify(roles),
        JSON.stringify((scope as { operators: string[] }).operators),
        language,
      );
  user('siti', ['viewer'], { operators: ['DLHK Depok'] }, 'en');
  user('ghost', ['no-such-role'], { operators: ['DLHK Depok'] }, 'id');
  records.maintenance.insert({
    station: 'aq-beji-01',
    kind: 'air_quality',
    fields: null,
    type: 'maintenance',
    origin: 'logged',
    start_at: START + DAY,
    end_at: START + DAY + 3 * 3_600_000,
    rrule: null,
    duration_ms: null,
    who: 'Andi',
    notes: 'filter change',
    created_by: 'admin',
  });
  records.close();
  await writeReadings();
}, 120_000);

afterAll(async () => {
  await influx?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

describe('npm run report', () => {
  it('writes the csv, pdf and xlsx of air-monthly for every air station, with sizes and sha256', async () => {
    const run = await report([
      'air-monthly',
      '--period',
      '2026-11',
      '--format',
      'csv,pdf,xlsx',
      '--lang',
      'en',
    ]);
    expect(run.stderr).toMatch(/station aq-cinere-01 done \(2\/2\)/);
    expect(run.code, run.stderr).toBe(0);
    expect(await files()).toEqual([
      'air-monthly_2026-11_en.csv',
      'air-monthly_2026-11_en.pdf',
      'air-monthly_2026-11_en.xlsx',
    ]);
    for (const name of await files()) {
      const bytes = await readFile(join(out, name));
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(run.stdout).toContain(
        `${join(out, name)}  ${bytes.length.toLocaleString('en-GB')} bytes  sha256 ${sha}`,
      );
    }
    const csv = await readFile(join(out, 'air-monthly_2026-11_en.csv'), 'utf8');
    expect(csv).toMatch(/aq-beji-01/);
    expect(csv).toMatch(/aq-cinere-01/);
    expect(csv).not.toMatch(/ww-ipal-01/);
    expect((await readFile(join(out, 'air-monthly_2026-11_en.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000);

  it.each([
    [['air-yearly', '--period', '2026-11'], /air-yearly/],
    [['air-monthly', '--period', '2999-01'], /2999-01/],
    [['air-monthly', '--period', '2026-11-05'], /2026-11-05/],
    [['air-monthly', '--period', '2026-11', '--station', 'aq-nowhere'], /aq-nowhere/],
    [['air-monthly', '--period', '2026-11', '--station', 'ww-ipal-01'], /ww-ipal-01/],
    [['air-monthly', '--period', '2026-11', '--format', 'csv,docx'], /docx/],
    [['air-monthly'], /--period/],
    [['air-monthly', '--period', '2026-11', '--colour'], /colour/],
  ])('refuses %j with exit code 2, naming the bad value, writing nothing', async (args, named) => {
    await rm(out, { recursive: true, force: true });
    const run = await report(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(named);
    expect(await files()).toEqual([]);
  });

  it("--user takes the user's scope and language: outside refused, the default list is theirs", async () => {
    await rm(out, { recursive: true, force: true });
    const outside = await report([
      'air-monthly',
      '--period',
      '2026-11',
      '--station',
      'aq-cinere-01',
      '--user',
      'siti',
    ]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("Station 'aq-cinere-01' is outside your scope");
    expect(await files()).toEqual([]);

    const theirs = await report(['air-monthly', '--period', '2026-11', '--user', 'siti']);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(await files()).toEqual(['air-monthly_2026-11_aq-beji-01_en.csv']);

    const indonesian = await report([
      'air-monthly',
      '--period',
      '2026-11',
      '--station',
      'aq-cinere-01',
      '--user',
      'ghost',
    ]);
    expect(indonesian.code).toBe(2);
    expect(indonesian.stderr).toContain("Pengguna 'ghost' tidak boleh membaca data");
    const nobody = await report(['air-monthly', '--period', '2026-11', '--user', 'nobody']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain("'nobody'");
  }, 120_000);

  it('InfluxDB down: exit code 1, no file and no temp file left', async () => {
    await rm(out, { recursive: true, force: true });
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'not ours');
    const run = await report(['air-monthly', '--period', '2026-11', '--format', 'csv,xlsx'], {
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/tidak ada berkas ditulis: InfluxDB unreachable/);
    expect(await files()).toEqual(['keep.txt']);
  }, 60_000);
});
