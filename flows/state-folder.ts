import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../lib/log.ts';

/**
 * Node-RED's files in the state folder. A deploy from the editor writes the flow file, so that file is
 * a copy in `<state>/node-red/`, seeded from the tracked flows/flows.json, never the tracked file itself
 * (issue 12, item 6). Its credentials are encrypted with a key generated once into the state folder.
 */
export type NodeRedFiles = { userDir: string; flowFile: string; credentialSecret: string };
export type TrackedFlows = { flows: string; credentials: string };

export const TRACKED: TrackedFlows = {
  flows: join(import.meta.dirname, 'flows.json'),
  credentials: join(import.meta.dirname, 'flows_cred.json'),
};

export class FlowsStateError extends Error {
  override name = 'FlowsStateError';
  readonly code = 'FLOWS_STATE_UNREADABLE';
}

// Node-RED's credential format (node_modules/@node-red/runtime/lib/nodes/credentials.js,
// encryptCredentials): {"$": hex IV (16 bytes) + base64 aes-256-ctr of the JSON}, key sha256(secret).
const ALGORITHM = 'aes-256-ctr';
const keyOf = (secret: string) => createHash('sha256').update(secret).digest();

export function encryptCredentials(secret: string, credentials: unknown): { $: string } {
  const iv = randomBytes(16);
  const cipher = createCipheriv(ALGORITHM, keyOf(secret), iv);
  const text = cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64');
  return { $: iv.toString('hex') + text };
}

export function decryptCredentials(secret: string, file: { $: string }): unknown {
  const iv = Buffer.from(file.$.slice(0, 32), 'hex');
  const decipher = createDecipheriv(ALGORITHM, keyOf(secret), iv);
  return JSON.parse(decipher.update(file.$.slice(32), 'base64', 'utf8') + decipher.final('utf8'));
}

const isEncrypted = (value: unknown): value is { $: string } =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 1 &&
  typeof (value as { $?: unknown }).$ === 'string';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Written whole or not at all (temp file, then rename), owner-only. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/** `<state>/credential-secret`: 32 random bytes (hex), made on first start, kept 0600 after. */
export async function loadCredentialSecret(stateDir: string): Promise<string> {
  const path = join(stateDir, 'credential-secret');
  const existing = (await readOptional(path))?.trim();
  if (existing) {
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return existing;
  }
  const secret = randomBytes(32).toString('hex');
  await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/**
 * The state copy of the flows. Seeded when absent. When the tracked flows.json changed since the copy
 * was seeded (an update of the project), the copy is replaced only if nobody deployed over it (its hash
 * is still the seed's); a copy with local deploys is kept, and the start logs a warning.
 */
async function seedFlows(paths: { flowFile: string; mark: string }, tracked: string, log: Logger) {
  const trackedText = await readFile(tracked, 'utf8');
  const trackedHash = sha256(trackedText);
  const current = await readOptional(paths.flowFile);
  const seededHash = (await readOptional(paths.mark))?.trim();
  const seed = async (why: string) => {
    await writeAtomic(paths.flowFile, trackedText);
    await writeAtomic(paths.mark, `${trackedHash}\n`);
    log.info({ flowFile: paths.flowFile, from: tracked }, `flows seeded into the state folder (${why})`);
    return true;
  };
  if (current === undefined) return seed('first start');
  const currentHash = sha256(current);
  if (currentHash === trackedHash) {
    if (seededHash !== trackedHash) await writeAtomic(paths.mark, `${trackedHash}\n`);
    return false;
  }
  if (seededHash === trackedHash) return false; // local deploys over an unchanged tracked file
  if (seededHash === currentHash) return seed('the tracked flows.json changed and nothing was deployed');
  log.warn(
    { flowFile: paths.flowFile, tracked },
    'the tracked flows.json changed since the state copy was seeded, and the copy has local deploys: ' +
      'keeping the deployed copy (delete it to start again from the tracked flows)',
  );
  return false;
}

/**
 * The state copy of the credentials, always encrypted: seeded from the tracked flows_cred.json (which
 * holds only ${ENV} placeholders) with the flows, a plain one left by an older version is encrypted in
 * place, and one this key cannot read stops the start.
 */
async function seedCredentials(path: string, tracked: string, secret: string, reseed: boolean) {
  const current = reseed ? undefined : await readOptional(path);
  if (current === undefined) {
    const placeholders: unknown = JSON.parse(await readFile(tracked, 'utf8'));
    await writeAtomic(path, `${JSON.stringify(encryptCredentials(secret, placeholders), null, 4)}\n`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(current);
    if (isEncrypted(value)) {
      decryptCredentials(secret, value);
      return;
    }
  } catch {
    throw new FlowsStateError(
      `${path} cannot be read with the key in credential-secret: restore that key, or delete ` +
        `${path} to start again from the placeholders of flows/flows_cred.json (credentials typed in ` +
        'the editor are then lost)',
    );
  }
  await writeAtomic(path, `${JSON.stringify(encryptCredentials(secret, value), null, 4)}\n`);
}

export async function prepareNodeRedFiles(
  stateDir: string,
  log: Logger,
  tracked: TrackedFlows = TRACKED,
): Promise<NodeRedFiles> {
  const userDir = join(stateDir, 'node-red');
  await mkdir(userDir, { recursive: true, mode: 0o700 });
  const credentialSecret = await loadCredentialSecret(stateDir);
  // Node-RED names the credentials after the flow file: flows.json -> flows_cred.json, beside it.
  const flowFile = join(userDir, 'flows.json');
  const seeded = await seedFlows({ flowFile, mark: join(userDir, 'flows.seed.sha256') }, tracked.flows, log);
  await seedCredentials(join(userDir, 'flows_cred.json'), tracked.credentials, credentialSecret, seeded);
  return { userDir, flowFile, credentialSecret };
}
