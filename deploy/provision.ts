import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ensureConsoleUser } from '../dashboards/auth/bootstrap.ts';
import { envFlag, parseConfig } from '../lib/config.ts';
import { setServiceAccount } from '../lib/registry/provision.ts';
import type { Registry, ServiceRole } from '../lib/registry/schema.ts';
import { DEFAULT_SCRYPT, verifySecret } from '../lib/registry/secrets.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { provisionFleet } from '../simulators/scale/provision.ts';
import { loadStations } from '../simulators/stations/load.ts';

/**
 * The one-shot `provision` service of docker-compose.yml: runs before the broker, the ingest and the
 * simulators, and is safe to run on every `docker compose up`.
 * - Service accounts get the secrets the deployment chose (.env), so each service can take its MQTT
 *   password from its environment. An account whose secret already verifies is left alone: re-hashing
 *   would change its hash, and the broker closes the session of an account that changes.
 * - With PROVISION_SIMULATOR_DEVICES, the simulated stations become devices (deployment scrypt cost) and
 *   their secrets go to SIM_CREDENTIALS (mode 0600), a volume only the simulators mount.
 * - With CONSOLE_USERS_PATH, a users file of an earlier version is imported into the records database
 *   (RECORDS_PATH, default `records.db` beside the users file), and an `admin` console user is made when
 *   there is none; its random password goes to `admin-password` (0600) beside the users file.
 * Secrets are never printed.
 */
const Secret = z.string().min(16, 'needs at least 16 characters (e.g. `openssl rand -hex 24`)');

const ProvisionConfigSchema = z.object({
  registryPath: z.string().min(1),
  accounts: z.object({
    ingest: Secret,
    flows: Secret,
    dashboard: Secret,
    operator: Secret.optional(),
  }),
  simulatorDevices: z.boolean().default(false),
  simulatorCredentials: z.string().min(1).default('/data/sim/simulator-credentials.json'),
  stationsPath: z.string().min(1).optional(),
  consoleUsersPath: z.string().min(1).optional(),
  recordsPath: z.string().min(1).optional(),
});

const env = process.env;
let config: z.infer<typeof ProvisionConfigSchema>;
try {
  config = parseConfig(ProvisionConfigSchema, {
    registryPath: env.REGISTRY_PATH,
    accounts: {
      ingest: env.INGEST_MQTT_PASSWORD,
      flows: env.FLOWS_MQTT_PASSWORD,
      dashboard: env.CONSOLE_MQTT_PASSWORD,
      operator: env.CONSOLE_ACK_MQTT_PASSWORD || undefined,
    },
    simulatorDevices: envFlag(env.PROVISION_SIMULATOR_DEVICES),
    simulatorCredentials: env.SIM_CREDENTIALS || undefined,
    stationsPath: env.SIM_STATIONS || undefined,
    consoleUsersPath: env.CONSOLE_USERS_PATH || undefined,
    recordsPath: env.RECORDS_PATH || undefined,
  });
} catch (err) {
  process.stderr.write(`provision: ${(err as Error).message}\n`);
  process.exit(1);
}

const say = (line: string) => process.stdout.write(`provision: ${line}\n`);

/** The account keeps its hash when it already has this role and secret. */
async function alreadySet(registry: Registry, username: string, role: ServiceRole, secret: string) {
  const account = registry.services.find((s) => s.username === username);
  return (
    account !== undefined &&
    !account.revoked &&
    account.role === role &&
    (await verifySecret(secret, account.secret_hash))
  );
}

try {
  await mkdir(dirname(config.registryPath), { recursive: true });
  let registry = await loadRegistry(config.registryPath);
  let changed = false;
  // The account name is the role's name, as `npm start` provisions them (stack/provision-local.ts).
  for (const [role, secret] of Object.entries(config.accounts) as [ServiceRole, string | undefined][]) {
    if (!secret) {
      say(`${role}: no secret given, account not provisioned`);
      continue;
    }
    if (await alreadySet(registry, role, role, secret)) {
      say(`${role}: up to date`);
      continue;
    }
    registry = (await setServiceAccount(registry, role, role, DEFAULT_SCRYPT, secret)).registry;
    changed = true;
    say(`${role}: secret set`);
  }
  if (changed) await saveRegistry(config.registryPath, registry);

  if (config.simulatorDevices) {
    await mkdir(dirname(config.simulatorCredentials), { recursive: true });
    const stations = loadStations(config.stationsPath);
    await provisionFleet(config.registryPath, config.simulatorCredentials, stations, DEFAULT_SCRYPT);
    say(`${stations.length} simulated stations registered; secrets in ${config.simulatorCredentials}`);
  }

  if (config.consoleUsersPath) {
    await mkdir(dirname(config.consoleUsersPath), { recursive: true });
    const passwordPath = join(dirname(config.consoleUsersPath), 'admin-password');
    const recordsPath = config.recordsPath ?? join(dirname(config.consoleUsersPath), 'records.db');
    const made = await ensureConsoleUser(
      { recordsPath, legacyUsersPath: config.consoleUsersPath },
      passwordPath,
    );
    say(made.created ? `console user admin created; password in ${passwordPath}` : 'console users exist');
  }
  say(`registry ${config.registryPath} ready`);
} catch (err) {
  process.stderr.write(`provision: ${(err as Error).message}\n`);
  process.exit(1);
}
