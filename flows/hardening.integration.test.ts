import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../lib/process/ports.ts';
import { launchChromium } from '../testkit/chromium.ts';
import { type FlowsConfigInput, FlowsConfigSchema } from './config.ts';
import { type FlowsService, startFlows } from './service.ts';
import { decryptCredentials, TRACKED } from './state-folder.ts';

// Issue 12, item 6: the real Node-RED with these settings, without broker or InfluxDB (nothing the
// checks here need; the MQTT link just stays down).
const require = createRequire(import.meta.url);
const bcrypt = require('bcryptjs') as { hash(s: string, rounds: number): Promise<string> };

const PASSWORD = 'editor-password-for-tests';
const DECOYS = { BROKER_ADMIN_TOKEN: 'decoy-broker-admin-token', INFLUX_TOKEN: 'decoy-influx-token' };
const DANGEROUS = [
  'exec',
  'function',
  'file',
  'file in',
  'watch',
  'tcp in',
  'tcp out',
  'tcp request',
  'udp in',
  'udp out',
];

let stateDir: string;
let flows: FlowsService;
let config: FlowsConfigInput;
let trackedFlows: string;
let token: string;
const lines: string[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
const saved: Record<string, string | undefined> = {};

type Answer = { status: number; headers: Record<string, unknown>; body: Record<string, unknown> };

/** POST /auth/token from a chosen loopback source address (one "client" each). */
function login(from: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  const body = new URLSearchParams({
    client_id: 'node-red-editor',
    grant_type: 'password',
    scope: '',
    username: 'admin',
    password,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${flows.url}/auth/token`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${flows.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

async function nodeTypes(): Promise<string[]> {
  const res = await admin('/nodes', { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { types: string[] }[]).flatMap((set) => set.types);
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(DECOYS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  trackedFlows = await readFile(TRACKED.flows, 'utf8');
  stateDir = await mkdtemp(join(tmpdir(), 'flows-hardening-'));
  config = {
    mqtt: { url: `mqtt://127.0.0.1:${await freePort()}`, password: 'flows-password' },
    influx: { url: `http://127.0.0.1:${await freePort()}` },
    port: 0,
    stateDir,
    apiToken: 'api-token-0123456789abcdef',
    admin: { passwordHash: await bcrypt.hash(PASSWORD, 4) },
  };
  flows = await startFlows(FlowsConfigSchema.parse(config), log);
  // The admin's own client, before anyone guesses: its token serves the admin API checks below.
  token = (await login('127.0.0.9', PASSWORD)).body.access_token as string;
}, 60_000);

afterAll(async () => {
  await flows?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  // Only a regression (a deploy reaching the tracked file) changes it: put it back.
  if (trackedFlows && (await readFile(TRACKED.flows, 'utf8')) !== trackedFlows) {
    await writeFile(TRACKED.flows, trackedFlows);
    await rm(join(dirname(TRACKED.flows), '.flows.json.backup'), { force: true });
  }
  await rm(stateDir, { recursive: true, force: true });
});

describe('Node-RED hardening', () => {
  it('the child inherits no secret of ours, only the allow-list and its FLOWS_* settings', async () => {
    const environ = (await readFile(`/proc/${flows.pid}/environ`, 'utf8')).split('\0').filter(Boolean);
    const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
    expect(names).toContain('FLOWS_PORT');
    expect(environ.filter((entry) => entry.includes('decoy'))).toEqual([]);
    expect(names.filter((n) => !n.startsWith('FLOWS_'))).not.toContain('BROKER_ADMIN_TOKEN');
    for (const name of names.filter((n) => !n.startsWith('FLOWS_'))) {
      expect(['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'NODE_ENV']).toContain(name);
    }
  });

  it('the editor, an admin route and a flow route carry the security headers', async () => {
    for (const path of ['/', '/auth/login', '/settings', '/api/status']) {
      const res = await fetch(`${flows.url}${path}`);
      await res.body?.cancel();
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    const editor = await fetch(`${flows.url}/`);
    await editor.body?.cancel();
    expect(editor.headers.get('content-security-policy')).toContain("object-src 'none'");
  });

  it('a credential secret is generated into the state folder (0600); the state credentials use it', async () => {
    const path = join(stateDir, 'credential-secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const secret = (await readFile(path, 'utf8')).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const file = JSON.parse(await readFile(join(stateDir, 'node-red', 'flows_cred.json'), 'utf8'));
    expect(Object.keys(file)).toEqual(['$']);
    expect(decryptCredentials(secret, file)).toEqual(JSON.parse(await readFile(TRACKED.credentials, 'utf8')));
  });

  it('six wrong passwords lock out their address (429), not the account: another address logs in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login('127.0.0.2', `wrong-${i}`)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    const other = await login('127.0.0.3', PASSWORD);
    expect(other.status).toBe(200);
    const res = await fetch(`${flows.url}/flows`, {
      headers: { authorization: `Bearer ${other.body.access_token}` },
    });
    await res.body?.cancel();
    expect(res.status).toBe(200);
    const locked = await login('127.0.0.2', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a login posted from another origin is refused without being counted', async () => {
    const res = await login('127.0.0.4', PASSWORD, { origin: 'http://127.0.0.1:9' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('cross_site');
    expect((await login('127.0.0.4', PASSWORD)).status).toBe(200);
  });

  it('the dangerous nodes are not installed; the shipped flows use none of them', async () => {
    const types = await nodeTypes();
    expect(types).toContain('depok-rules');
    expect(types).toContain('mqtt in');
    expect(DANGEROUS.filter((t) => types.includes(t))).toEqual([]);
    const shipped = (JSON.parse(trackedFlows) as { type: string }[]).map((n) => n.type);
    expect(shipped.filter((t) => DANGEROUS.includes(t))).toEqual([]);
  });

  it('the editor loads and logs in under its CSP (Chromium), with no violation', async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      page.on('pageerror', (err) => violations.push(err.message));
      await page.goto(`${flows.url}/`);
      await page.fill('#node-dialog-login-username', 'admin');
      await page.fill('#node-dialog-login-password', PASSWORD);
      await page.click('#node-dialog-login-submit');
      await page.waitForSelector('.red-ui-palette-node[data-palette-type="depok-rules"]', {
        timeout: 20_000,
      });
      await page.waitForSelector('#red-ui-workspace-chart svg', { timeout: 10_000 });
      // A node's edit dialog with its code editor (Monaco, which runs web workers).
      await page.evaluate(() => {
        type Red = { editor: { edit(node: unknown): void }; nodes: { node(id: string): unknown } };
        const red = (globalThis as unknown as { RED: Red }).RED;
        red.editor.edit(red.nodes.node('note'));
      });
      await page.waitForSelector('.red-ui-tray .monaco-editor', { timeout: 20_000 });
      expect(violations).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 60_000);

  it('a deploy writes the state copy, never the tracked flows/flows.json', async () => {
    const current = (await (await admin('/flows')).json()) as object[];
    const note = {
      id: 'deployed-note',
      type: 'comment',
      z: 'tab-alerts',
      name: 'deployed',
      x: 100,
      y: 500,
      wires: [],
    };
    const res = await admin('/flows', {
      method: 'POST',
      headers: { 'node-red-deployment-type': 'full' },
      body: JSON.stringify([...current, note]),
    });
    expect(res.status).toBe(204);
    expect(await readFile(TRACKED.flows, 'utf8')).toBe(trackedFlows);
    const copy = await readFile(join(stateDir, 'node-red', 'flows.json'), 'utf8');
    expect(copy).toContain('deployed-note');
  });

  describe('an exec node in a deploy', () => {
    const marker = () => join(stateDir, 'exec-ran');
    const execFlow = () => [
      { id: 'exec-tab', type: 'tab', label: 'exec' },
      {
        id: 'exec-inject',
        type: 'inject',
        z: 'exec-tab',
        props: [{ p: 'payload' }],
        once: true,
        onceDelay: 0.1,
        repeat: '',
        payload: '',
        payloadType: 'date',
        wires: [['exec-node']],
      },
      {
        id: 'exec-node',
        type: 'exec',
        z: 'exec-tab',
        command: `touch ${marker()}`,
        addpay: false,
        append: '',
        useSpawn: 'false',
        timer: '',
        wires: [[], [], []],
      },
    ];

    it('is a missing type by default: the command never runs', async () => {
      const current = (await (await admin('/flows')).json()) as object[];
      const res = await admin('/flows', {
        method: 'POST',
        headers: { 'node-red-deployment-type': 'full' },
        body: JSON.stringify([...current, ...execFlow()]),
      });
      await res.body?.cancel();
      await waitFor(
        () => lines.some((l) => l.includes('Waiting for missing types')),
        10_000,
        'missing types',
      );
      expect(lines.some((l) => /- exec\b/.test(l))).toBe(true);
      expect(existsSync(marker())).toBe(false);
    });

    it('runs with FLOWS_ALLOW_DANGEROUS_NODES=true, on the same state folder (its deploys and key kept)', async () => {
      const secret = await readFile(join(stateDir, 'credential-secret'), 'utf8');
      await flows.close();
      flows = await startFlows(FlowsConfigSchema.parse({ ...config, allowDangerousNodes: true }), log);
      await waitFor(() => existsSync(marker()), 10_000, 'the exec node to run');
      expect(await readFile(join(stateDir, 'credential-secret'), 'utf8')).toBe(secret);
      token = (await login('127.0.0.9', PASSWORD)).body.access_token as string;
      expect(await nodeTypes()).toContain('exec');
      expect(await readFile(TRACKED.flows, 'utf8')).toBe(trackedFlows);
    }, 60_000);
  });
});
