import { describe, expect, it } from 'vitest';
import { type Env, interpolate, loadCompose, readEnvFile } from '../testkit/compose-file.ts';

// issue 12, item 7: MQTT was published on 0.0.0.0:1883 in plaintext, with no TLS listener.
// The only port meant for every interface is MQTT over TLS; everything else is this host only until
// an operator sets its *_PUBLISH_ADDRESS (deploy/.env.example says which, and why).
const PUBLIC = new Set(['broker:8883']);
const LOOPBACK = new Set(['127.0.0.1', '::1']);
const TLS_DIR = './deploy/tls/';

// With no .env (every default) and with deploy/.env.example copied to .env, as the file header says.
const setups: [string, Env][] = [
  ['the defaults', {}],
  ['deploy/.env.example', readEnvFile()],
];

describe.each(setups)('docker-compose.yml with %s', (_, env) => {
  const services = loadCompose(env);
  const broker = services.get('broker');
  const ports = [...services.values()].flatMap((s) => s.ports);

  it('publishes nothing on every interface, or without a host address, but MQTT over TLS', () => {
    expect(ports.length).toBeGreaterThan(0);
    const exposed = ports
      .filter((p) => !PUBLIC.has(`${p.service}:${p.target}`))
      .filter((p) => p.host === undefined || !LOOPBACK.has(p.host))
      .map((p) => `${p.service} ${p.host ?? '(every interface)'}:${p.published}->${p.target}`);
    expect(exposed).toEqual([]);
  });

  it('binds plaintext MQTT to 127.0.0.1 and publishes MQTT over TLS on 8883', () => {
    expect(broker?.ports).toContainEqual({
      service: 'broker',
      host: '127.0.0.1',
      published: '1883',
      target: '1883',
    });
    expect(broker?.ports).toContainEqual({
      service: 'broker',
      host: '0.0.0.0',
      published: '8883',
      target: '8883',
    });
  });

  it('runs the broker TLS listener on certificates mounted read-only from deploy/tls/', () => {
    const e = broker?.environment ?? {};
    expect(e.BROKER_TLS_PORT).toBe('8883');
    const mounted = (path: string | undefined) => broker?.mounts.find((m) => m.target === path);
    for (const [setting, file] of [
      ['BROKER_TLS_CERT', 'server.crt'],
      ['BROKER_TLS_KEY', 'server.key'],
      ['BROKER_TLS_CA', 'ca.crt'],
    ] as const) {
      expect(mounted(e[setting]), `${setting}=${e[setting]} is a mounted file`).toMatchObject({
        source: `${TLS_DIR}${file}`,
        readOnly: true,
      });
    }
    // the CA's key is for deploy/make-dev-ca.sh only, never inside the broker
    expect(
      broker?.mounts
        .filter((m) => m.source.startsWith(TLS_DIR))
        .map((m) => m.source)
        .sort(),
    ).toEqual([`${TLS_DIR}ca.crt`, `${TLS_DIR}server.crt`, `${TLS_DIR}server.key`]);
  });
});

describe('docker-compose.yml settings', () => {
  it('publishes plaintext MQTT beyond this host only when BROKER_PLAINTEXT_PUBLISH_ADDRESS says so', () => {
    const broker = loadCompose({ BROKER_PLAINTEXT_PUBLISH_ADDRESS: '0.0.0.0' }).get('broker');
    expect(broker?.ports.find((p) => p.target === '1883')?.host).toBe('0.0.0.0');
    // the setting that used to publish it everywhere no longer does
    const old = loadCompose({ BROKER_PUBLISH_ADDRESS: '0.0.0.0' }).get('broker');
    expect(old?.ports.find((p) => p.target === '1883')?.host).toBe('127.0.0.1');
  });

  it('interpolates like compose', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's ${VAR} syntax, not a JS template
    const text = '${A:-x}/${B-y}/${C:?need C}/$${D}/${E:+on}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an escaped $$ leaves a literal ${D}
    const expected = 'x//<C>/${D}/on';
    expect(interpolate(text, { A: '', B: '', E: '1' })).toBe(expected);
  });
});
