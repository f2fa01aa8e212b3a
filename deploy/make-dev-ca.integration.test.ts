import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfigFromEnv } from '../broker/config.ts';
import { type BrokerService, startBroker } from '../broker/service.ts';
import { silentLogger } from '../lib/log.ts';
import { connackCode } from '../testkit/broker.ts';
import { loadCompose } from '../testkit/compose-file.ts';
import { modeOf } from '../testkit/file-modes.ts';
import { makeRegistry, TEST_SCRYPT } from '../testkit/pipeline.ts';

const execFileAsync = promisify(execFile);
const SCRIPT = join(import.meta.dirname, 'make-dev-ca.sh');

// The compose broker's TLS settings, run on the files deploy/make-dev-ca.sh makes: the script, the
// mounted names and the broker's TLS listener agree. Only the addresses and ports are changed, to
// free ones on loopback.
describe('deploy/make-dev-ca.sh with the compose broker settings', () => {
  let dir: string;
  let broker: BrokerService | undefined;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-ca-'));
    await execFileAsync('sh', [SCRIPT, join(dir, 'tls')]);
    registry = await makeRegistry([{ id: 'aq-tls-dev-01', kind: 'air_quality' }]);
    const compose = loadCompose().get('broker');
    if (!compose) throw new Error('no broker service in docker-compose.yml');
    // Each mounted file is read from where the script wrote it (./deploy/tls/x -> <dir>/tls/x).
    const env: NodeJS.ProcessEnv = { ...compose.environment };
    for (const m of compose.mounts)
      for (const [key, value] of Object.entries(env))
        if (value === m.target) env[key] = join(dir, m.source.replace(/^\.\/deploy\//, ''));
    broker = await startBroker(
      brokerConfigFromEnv({
        ...env,
        BROKER_HOST: '127.0.0.1',
        BROKER_PORT: '0',
        BROKER_TLS_PORT: '0',
        BROKER_HTTP_PORT: '-1',
        BROKER_PERSISTENCE: 'memory',
        REGISTRY_PATH: registry.path,
      }),
      silentLogger(),
      { scrypt: TEST_SCRYPT },
    );
  });
  afterAll(async () => {
    await broker?.close();
    await registry?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const device = () => ({
    clientId: 'aq-tls-dev-01',
    username: 'aq-tls-dev-01',
    password: registry.secrets.get('aq-tls-dev-01'),
  });

  it('keeps the keys private and the certificates readable', async () => {
    expect(await modeOf(join(dir, 'tls', 'server.key'))).toBe(0o600);
    expect(await modeOf(join(dir, 'tls', 'ca.key'))).toBe(0o600);
    expect(await modeOf(join(dir, 'tls', 'server.crt'))).toBe(0o644);
    expect(await modeOf(join(dir, 'tls', 'ca.crt'))).toBe(0o644);
  });

  it('serves MQTT over TLS that a device trusting ca.crt accepts, for localhost and 127.0.0.1', async () => {
    const ca = await readFile(join(dir, 'tls', 'ca.crt'));
    const port = broker?.tlsPort;
    expect(await connackCode(`mqtts://127.0.0.1:${port}`, { ...device(), ca })).toBe(0);
    expect(await connackCode(`mqtts://localhost:${port}`, { ...device(), ca })).toBe(0);
    await expect(connackCode(`mqtts://127.0.0.1:${port}`, device())).rejects.toThrow(/certificate/i);
  });

  it('re-issues the server certificate for other names with the same CA', async () => {
    const caBefore = await readFile(join(dir, 'tls', 'ca.crt'), 'utf8');
    const keyBefore = await readFile(join(dir, 'tls', 'server.key'), 'utf8');
    await execFileAsync('sh', [SCRIPT, join(dir, 'tls'), 'broker.depok.example', '192.0.2.10']);
    expect(await readFile(join(dir, 'tls', 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(await readFile(join(dir, 'tls', 'server.key'), 'utf8')).not.toBe(keyBefore);
    const { stdout } = await execFileAsync('openssl', [
      'verify',
      '-CAfile',
      join(dir, 'tls', 'ca.crt'),
      '-verify_hostname',
      'broker.depok.example',
      join(dir, 'tls', 'server.crt'),
    ]);
    expect(stdout).toContain(': OK');
  });
});
