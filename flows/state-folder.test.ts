import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decryptCredentials,
  encryptCredentials,
  prepareNodeRedFiles,
  TRACKED,
  type TrackedFlows,
} from './state-folder.ts';

let dir: string;
let tracked: TrackedFlows;
const warnings: string[] = [];
const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
// The shipped placeholders (${ENV} references only).
const PLACEHOLDERS: unknown = JSON.parse(readFileSync(TRACKED.credentials, 'utf8'));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flows-state-'));
  tracked = { flows: join(dir, 'tracked-flows.json'), credentials: join(dir, 'tracked-cred.json') };
  await writeFile(tracked.flows, '[{"id":"v1"}]\n');
  await writeFile(tracked.credentials, JSON.stringify(PLACEHOLDERS));
  warnings.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const state = () => join(dir, 'state');
const copy = () => readFile(join(state(), 'node-red', 'flows.json'), 'utf8');
const creds = async () => JSON.parse(await readFile(join(state(), 'node-red', 'flows_cred.json'), 'utf8'));

describe('the state folder of Node-RED', () => {
  it('first start: a 0600 key, the flows copied, the credentials encrypted with the key', async () => {
    const files = await prepareNodeRedFiles(state(), log, tracked);
    expect((await stat(join(state(), 'credential-secret'))).mode & 0o777).toBe(0o600);
    expect(files.flowFile).toBe(join(state(), 'node-red', 'flows.json'));
    expect(await copy()).toBe('[{"id":"v1"}]\n');
    const file = await creds();
    expect(Object.keys(file)).toEqual(['$']);
    expect(decryptCredentials(files.credentialSecret, file)).toEqual(PLACEHOLDERS);
  });

  it('the key is reused, and local deploys are kept while the tracked flows do not change', async () => {
    const first = await prepareNodeRedFiles(state(), log, tracked);
    await writeFile(first.flowFile, '[{"id":"deployed"}]');
    const second = await prepareNodeRedFiles(state(), log, tracked);
    expect(second.credentialSecret).toBe(first.credentialSecret);
    expect(await copy()).toBe('[{"id":"deployed"}]');
    expect(warnings).toEqual([]);
  });

  it('an update of the tracked flows replaces a copy nobody deployed over', async () => {
    await prepareNodeRedFiles(state(), log, tracked);
    await writeFile(tracked.flows, '[{"id":"v2"}]\n');
    await prepareNodeRedFiles(state(), log, tracked);
    expect(await copy()).toBe('[{"id":"v2"}]\n');
  });

  it('an update of the tracked flows keeps a copy with local deploys, and says so', async () => {
    const files = await prepareNodeRedFiles(state(), log, tracked);
    await writeFile(files.flowFile, '[{"id":"deployed"}]');
    await writeFile(tracked.flows, '[{"id":"v2"}]\n');
    await prepareNodeRedFiles(state(), log, tracked);
    expect(await copy()).toBe('[{"id":"deployed"}]');
    expect(warnings.join('\n')).toContain('local deploys');
  });

  it('plain credentials left by an older version are encrypted in place', async () => {
    const files = await prepareNodeRedFiles(state(), log, tracked);
    const typed = { broker: { user: 'flows', password: 'typed-in-the-editor' } };
    await writeFile(join(files.userDir, 'flows_cred.json'), JSON.stringify(typed));
    await prepareNodeRedFiles(state(), log, tracked);
    expect(await readFile(join(files.userDir, 'flows_cred.json'), 'utf8')).not.toContain(
      'typed-in-the-editor',
    );
    expect(decryptCredentials(files.credentialSecret, await creds())).toEqual(typed);
  });

  it('credentials this key cannot read stop the start with a hint', async () => {
    const files = await prepareNodeRedFiles(state(), log, tracked);
    await writeFile(
      join(files.userDir, 'flows_cred.json'),
      JSON.stringify(encryptCredentials('other', PLACEHOLDERS)),
    );
    await expect(prepareNodeRedFiles(state(), log, tracked)).rejects.toMatchObject({
      code: 'FLOWS_STATE_UNREADABLE',
    });
  });
});
