import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filledEnvExample, INIT_SCRIPT, loadCompose } from './compose-env.ts';

// deploy/influxdb/init/10-v1-users.sh with the influxdb service's environment from docker-compose.yml,
// against a stand-in `influx` CLI that records its arguments (no Docker engine, no InfluxDB 2.x here).
// The stand-in lists the logins named in STUB_EXISTING and a dbrp mapping when STUB_DBRP is set.
const STUB = `#!/bin/bash
printf '%s\\037' "$@" >> "$STUB_LOG"; echo >> "$STUB_LOG"
case "$1 $2 $3" in
  "bucket list "*) printf 'b0cket1d\\tenvironment\\tinfinite\\n' ;;
  "v1 dbrp list") [[ -n "\${STUB_DBRP:-}" ]] && printf '0d1\\tenvironment\\tautogen\\ttrue\\n' ;;
  "v1 auth list")
    for arg in "$@"; do [[ " \${STUB_EXISTING:-} " == *" $arg "* ]] && printf 'id1\\t%s\\n' "$arg"; done ;;
esac
exit 0
`;

describe('deploy/influxdb/init/10-v1-users.sh', () => {
  let dir: string;
  const composeEnv = loadCompose(filledEnvExample()).get('influxdb')?.environment ?? {};
  const bucketId = 'b0cket1d';

  const run = async (extra: Record<string, string>) => {
    const log = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
    await writeFile(log, '');
    const result = spawnSync('bash', [INIT_SCRIPT], {
      env: { PATH: `${dir}:${process.env.PATH}`, STUB_LOG: log, ...composeEnv, ...extra },
      encoding: 'utf8',
    });
    const calls = (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\x1f').filter(Boolean));
    return { status: result.status, stderr: result.stderr, calls };
  };
  /** The value after `flag` in a call. */
  const flag = (call: string[], name: string) =>
    call.includes(name) ? call[call.indexOf(name) + 1] : undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'influx-init-'));
    await writeFile(join(dir, 'influx'), STUB);
    await chmod(join(dir, 'influx'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on a new volume: maps the bucket, then makes write-only ingest and flows logins and a read-only reader', async () => {
    const { status, stderr, calls } = await run({ DOCKER_INFLUXDB_INIT_BUCKET_ID: bucketId });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(calls.find((c) => c.join(' ').startsWith('v1 dbrp create'))).toBeDefined();
    const created = calls.filter((c) => c.join(' ').startsWith('v1 auth create'));
    const grants = Object.fromEntries(
      created.map((c) => [
        flag(c, '--username'),
        {
          password: flag(c, '--password'),
          permissions: c.filter((a) => a.endsWith('-bucket')).map((a) => `${a} ${flag(c, a)}`),
        },
      ]),
    );
    expect(grants).toEqual({
      [composeEnv.INFLUX_INGEST_USERNAME as string]: {
        password: composeEnv.INFLUX_INGEST_PASSWORD,
        permissions: [`--write-bucket ${bucketId}`],
      },
      [composeEnv.INFLUX_FLOWS_USERNAME as string]: {
        password: composeEnv.INFLUX_FLOWS_PASSWORD,
        permissions: [`--write-bucket ${bucketId}`],
      },
      [composeEnv.INFLUX_READ_USERNAME as string]: {
        password: composeEnv.INFLUX_READ_PASSWORD,
        permissions: [`--read-bucket ${bucketId}`],
      },
    });
    // no API token (`influx auth create`), nothing broader than the bucket
    expect(calls.filter((c) => c[0] === 'auth')).toEqual([]);
    expect(
      calls.flat().filter((a) => /^--(all-access|operator|read-buckets|write-buckets)$/.test(a)),
    ).toEqual([]);
  });

  it('run again by hand on an older volume: finds the bucket and the mapping, sets the passwords of existing logins', async () => {
    const existing = [composeEnv.INFLUX_READ_USERNAME, composeEnv.INFLUX_INGEST_USERNAME].join(' ');
    const { status, calls } = await run({ STUB_EXISTING: existing, STUB_DBRP: '1' });
    expect(status).toBe(0);
    const verbs = calls.map((c) => `${c[0]} ${c[1]} ${c[2]} ${flag(c, '--username') ?? ''}`.trim());
    expect(verbs.filter((v) => !v.includes(' list'))).toEqual([
      `v1 auth set-password ${composeEnv.INFLUX_INGEST_USERNAME}`,
      `v1 auth create ${composeEnv.INFLUX_FLOWS_USERNAME}`,
      `v1 auth set-password ${composeEnv.INFLUX_READ_USERNAME}`,
    ]);
    const flows = calls.find((c) => c[2] === 'create') as string[];
    expect(flag(flows, '--write-bucket')).toBe(bucketId);
  });

  it('stops, naming it, when a password is missing', async () => {
    const { status, stderr, calls } = await run({
      DOCKER_INFLUXDB_INIT_BUCKET_ID: bucketId,
      INFLUX_FLOWS_PASSWORD: '',
    });
    expect(status).not.toBe(0);
    expect(stderr).toContain('INFLUX_FLOWS_PASSWORD');
    expect(calls.filter((c) => flag(c, '--username') === composeEnv.INFLUX_FLOWS_USERNAME)).toEqual([]);
  });
});
