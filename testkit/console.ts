import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleDeps } from '../dashboards/app.ts';
import { SessionStore } from '../dashboards/auth/sessions.ts';
import { type TokenInput, UserAdmin, type UserInput } from '../dashboards/auth/user-admin.ts';
import { UserDirectory } from '../dashboards/auth/users.ts';
import { LiveState, type RegistryStation } from '../dashboards/core/live-state.ts';
import { EventHub } from '../dashboards/http/events.ts';
import { createConsoleMetrics } from '../dashboards/metrics.ts';
import { silentLogger } from '../lib/log.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { TEST_SCRYPT } from './registry.ts';

export const TEST_USER = { username: 'siti', password: 'correct horse battery' };

/**
 * Adds users and tokens to a records database at test scrypt cost, as the `test` system actor; returns
 * the tokens by name. Operator scopes are taken on trust (`operators`: the names the test's registry has).
 */
export async function seedConsoleUsers(
  records: Records,
  users: readonly UserInput[],
  tokens: readonly TokenInput[] = [],
  operators: readonly string[] = [],
): Promise<Map<string, string>> {
  const known = new Set(operators);
  const admin = new UserAdmin(records, { knownOperators: async () => known, cost: TEST_SCRYPT });
  const system = { name: 'test', via: 'system' } as const;
  for (const user of users) {
    const added = await admin.addUser(user, system);
    if (!added.ok) throw new Error(`test user ${user.username}: ${added.problem}`);
  }
  const issued = new Map<string, string>();
  for (const token of tokens) {
    const added = await admin.addToken(token, system);
    if (!added.ok) throw new Error(`test token ${token.name}: ${added.problem}`);
    issued.set(token.name, added.value.token);
  }
  return issued;
}

/** A temp records database with one operator (TEST_USER) and one operator API token (for tests). */
export async function makeConsoleRecords() {
  const dir = await mkdtemp(join(tmpdir(), 'console-records-'));
  const path = join(dir, 'records.db');
  const records = openRecords(path);
  try {
    const tokens = await seedConsoleUsers(
      records,
      [{ ...TEST_USER, roles: ['operator'] }],
      [{ name: 'ack-script', roles: ['operator'] }],
    );
    const token = tokens.get('ack-script') ?? '';
    return { dir, path, token, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } finally {
    records.close();
  }
}

/**
 * The console app's dependencies as the inject and page tests build it: live state over `stations`, no
 * InfluxDB, no MQTT, quiet logs; `over` replaces or adds any of them (`sessionTtlMs` also sets the
 * session store's lifetime).
 */
export function testConsoleDeps(
  records: Records,
  stations: readonly RegistryStation[],
  over: Partial<ConsoleDeps> = {},
): ConsoleDeps {
  const sessionTtlMs = over.sessionTtlMs ?? 60_000;
  return {
    state: new LiveState(stations),
    hub: new EventHub(),
    records,
    users: new UserDirectory(records),
    sessions: new SessionStore(sessionTtlMs),
    metrics: createConsoleMetrics(),
    history: async () => [],
    ack: undefined,
    isConnected: () => true,
    publicRead: false,
    secureCookie: false,
    sessionTtlMs,
    maxSseClients: 10,
    maxSsePerPrincipal: 4,
    trustProxy: false,
    log: silentLogger(),
    ...over,
  };
}
