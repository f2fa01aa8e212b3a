import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/process/ports.ts';
import { openRecords } from '../lib/records/database.ts';
import { seedConsoleUsers } from '../testkit/console.ts';
import { makeRegistry } from '../testkit/pipeline.ts';

// Issue 15: `npm run qa` as a child process (exit codes are the contract): maintenance and calibration
// records, the --as user's roles and scope, bad input refused with exit 2 and nothing changed.
const CLI = join(import.meta.dirname, 'qa-cli.ts');
const PDAM = 'PDAM Tirta Asasta';
const PASSWORD = 'a long enough password';

type Run = { code: number | null; stdout: string; stderr: string };

describe('qa CLI (child process)', () => {
  let dir: string;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;
  let recordsPath: string;
  let deadInflux: string;

  const run = (args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, ...args, '--records', recordsPath, '--registry', registry.path],
        {
          env: { PATH: process.env.PATH ?? '', INFLUX_URL: deadInflux, CONSOLE_INFLUX_TIMEOUT_MS: '2000' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const contents = () => {
    const records = openRecords(recordsPath);
    try {
      return JSON.stringify([
        records.maintenance.list(),
        records.validations.list(),
        records.audit.page({}, 1000),
      ]);
    } finally {
      records.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qa-cli-'));
    // A loopback port nobody listens on: "InfluxDB did not answer" without waiting for a timeout.
    deadInflux = `http://127.0.0.1:${await freePort()}`;
    registry = await makeRegistry([
      { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
      { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
    ]);
    recordsPath = join(dir, 'records.db');
    const records = openRecords(recordsPath);
    await seedConsoleUsers(
      records,
      [
        { username: 'budi', password: PASSWORD, roles: ['operator'] },
        { username: 'pdam', password: PASSWORD, roles: ['operator'], operators: [PDAM] },
        { username: 'vera', password: PASSWORD, roles: ['viewer'] },
        { username: 'vali', password: PASSWORD, roles: ['validator'] },
      ],
      [],
      [PDAM],
    );
    records.close();
  });
  afterAll(async () => {
    await registry?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, lists and ends a window, in WIB, with the --as user in the audit trail', async () => {
    const added = await run([
      'maintenance',
      'add',
      'ww-tapos-01',
      '--type',
      'production_stopped',
      '--from',
      '2026-12-01T08:00',
      '--notes',
      'line 2 down for cleaning',
      '--as',
      'budi',
    ]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe(
      'added #1  ww-tapos-01  production_stopped  all fields  2026-12-01 08:00 WIB - open  by budi  line 2 down for cleaning\n',
    );
    const ended = await run(['maintenance', 'end', '1', '--at', '2026-12-01T16:30', '--as', 'budi']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toContain('2026-12-01 08:00 WIB - 2026-12-01 16:30 WIB');
    const listed = await run(['maintenance', 'list', 'ww-tapos-01', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: 1, end: '2026-12-01T09:30:00.000Z' }]);
    const records = openRecords(recordsPath);
    const actions = records.audit.page({ user: 'budi' }, 10).entries.map((e) => [e.action, e.via]);
    records.close();
    expect(actions).toEqual([
      ['maintenance_ended', 'cli'],
      ['maintenance_added', 'cli'],
    ]);
  });

  it('adds a weekly window and a calibration with its results', async () => {
    const weekly = await run([
      'maintenance',
      'add',
      'wn-pancoran-01',
      '--type',
      'maintenance',
      '--from',
      '2026-12-01T09:00',
      '--rrule',
      'FREQ=WEEKLY;BYDAY=TU',
      '--duration',
      '2h',
      '--field',
      'pressure',
      '--as',
      'pdam',
    ]);
    expect(weekly.code).toBe(0);
    expect(weekly.stdout).toContain('FREQ=WEEKLY;BYDAY=TU for 120 min');
    const calibration = await run([
      'calibration',
      'add',
      'wn-pancoran-01',
      '--field',
      'free_chlorine',
      '--from',
      '2026-12-02T10:00',
      '--to',
      '2026-12-02T10:30',
      '--zero',
      '0.02',
      '--span',
      '1.96',
      '--span-target',
      '2',
      // A negative number is given with '=' (node:util parseArgs reads '-0.02' as an option otherwise).
      '--offset=-0.02',
      '--reference',
      'DPD standard 2.0 mg/L',
      '--as',
      'pdam',
    ]);
    expect(calibration.code).toBe(0);
    const log = await run(['calibration', 'list']);
    expect(log.stdout).toContain('zero 0.02 span 1.96/2 offset -0.02 (DPD standard 2.0 mg/L)');
  });

  it('refuses bad input, other roles and scopes with exit 2, and changes nothing', async () => {
    const before = contents();
    const add = ['maintenance', 'add', 'ww-tapos-01', '--type', 'maintenance', '--from', '2026-12-03T09:00'];
    const cases: [string[], RegExp][] = [
      [
        [...add, '--to', '2026-12-03T08:00', '--as', 'budi'],
        /ends \(2026-12-03 08:00 WIB\) before it starts/,
      ],
      [
        [
          'maintenance',
          'add',
          'ww-nowhere-01',
          '--type',
          'maintenance',
          '--from',
          '2026-12-03',
          '--as',
          'budi',
        ],
        /not in the registry/,
      ],
      [[...add, '--field', 'pressure', '--as', 'budi'], /unknown field 'pressure' for kind wastewater/],
      [[...add, '--as', 'vera'], /needs admin \| operator/],
      [[...add, '--as', 'pdam'], /outside your scope/],
      [[...add, '--as', 'nobody'], /no console user 'nobody'/],
      [add, /--as USER/],
      [[...add, '--from', 'next tuesday', '--as', 'budi'], /start: a time/],
      [['maintenance', 'end', '1', '--as', 'budi'], /already ended/],
      [
        [
          'calibration',
          'add',
          'ww-tapos-01',
          '--field',
          'ph',
          '--from',
          '2026-12-03',
          '--zero',
          'x',
          '--as',
          'budi',
        ],
        /--zero must be a number/,
      ],
      [
        [
          'validate',
          'ww-tapos-01',
          '--fields',
          'ph',
          '--from',
          '2026-12-01',
          '--to',
          '2026-12-02',
          '--decision',
          'valid',
          '--as',
          'budi',
        ],
        /needs admin \| validator/,
      ],
      [
        [
          'validate',
          'ww-tapos-01',
          '--fields',
          'ph',
          '--from',
          '2026-12-01',
          '--to',
          '2026-12-02',
          '--decision',
          'invalid',
          '--as',
          'vali',
        ],
        /needs a reason/,
      ],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, problem] of cases) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(problem);
    }
    // InfluxDB not answering is no bad input: exit 1, and still nothing stored.
    const down = await run([
      'validate',
      'ww-tapos-01',
      '--fields',
      'ph',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-02',
      '--decision',
      'valid',
      '--as',
      'vali',
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/InfluxDB did not answer/);
    expect(contents()).toBe(before);
  });
});
