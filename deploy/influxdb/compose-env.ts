import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * For tests of docker-compose.yml's InfluxDB logins (no Docker engine runs on the development
 * machines): each service's environment as compose would resolve it, from deploy/.env.example with
 * every empty (required) value filled in, as an operator following that file would.
 */
const ROOT = join(import.meta.dirname, '..', '..');
export const INIT_SCRIPT = join(ROOT, 'deploy', 'influxdb', 'init', '10-v1-users.sh');

export type Env = Record<string, string>;
export type ComposeService = { environment: Env; raw: Env; volumes: unknown[] };

/** deploy/.env.example as an operator fills it: every empty value becomes `secret-of-<NAME>`. */
export function filledEnvExample(): Env {
  const env: Env = {};
  for (const line of readFileSync(join(ROOT, 'deploy', '.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = m[2] || `secret-of-${m[1]}`;
  }
  return env;
}

// compose spec "Interpolation": ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}.
function interpolate(text: string, env: Env): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name, op, arg) => {
    const value = env[name];
    const set = value !== undefined && (value !== '' || !op?.startsWith(':'));
    if (set) return value as string;
    if (op?.endsWith('?')) throw new Error(`compose would stop: ${name} is required (${arg})`);
    return op?.endsWith('-') ? interpolate(arg, env) : '';
  });
}

export function loadCompose(env: Env): Map<string, ComposeService> {
  const doc = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown>; volumes?: unknown[] }>;
  };
  const services = new Map<string, ComposeService>();
  for (const [name, service] of Object.entries(doc.services)) {
    const raw = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]),
    );
    const environment = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(v, env)]));
    services.set(name, { environment, raw, volumes: service.volumes ?? [] });
  }
  return services;
}
