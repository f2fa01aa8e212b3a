import { spawnSync } from 'node:child_process';
import { findInfluxd } from '../testkit/influxd.ts';

/**
 * influxd for `npm start`: found on PATH, or installed from Debian's `influxdb` package when we are
 * root with apt-get; otherwise a message that says exactly what to install.
 */
export function ensureInfluxd(log: (line: string) => void): string {
  const found = findInfluxd();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!isRoot || !hasApt) {
    throw Object.assign(new Error('influxd (InfluxDB 1.x) is not installed'), {
      code: 'INFLUXD_MISSING',
      hint: 'install it with `sudo apt-get install influxdb` (Debian/Ubuntu), or point INFLUX_URL at a running InfluxDB',
    });
  }
  log(
    'influxd is missing: installing Debian package "influxdb" (apt-get update && apt-get install -y influxdb)',
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'influxdb']]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0)
      throw Object.assign(new Error(`apt-get ${args.join(' ')} failed`), { code: 'INFLUXD_INSTALL_FAILED' });
  }
  const installed = findInfluxd();
  if (!installed)
    throw Object.assign(new Error('influxdb was installed but influxd is not on PATH'), {
      code: 'INFLUXD_MISSING',
    });
  return installed;
}
