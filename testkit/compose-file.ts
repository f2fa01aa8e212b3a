import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml read the way `docker compose config` would resolve it, for tests that check the
 * file (no Docker engine runs on the development machines): YAML merge keys, `${VAR...}`
 * interpolation against a given environment, and the short and long forms of ports, volumes and
 * environment normalized.
 */
export const COMPOSE_PATH = join(import.meta.dirname, '..', 'docker-compose.yml');
export const ENV_EXAMPLE_PATH = join(import.meta.dirname, '..', 'deploy', '.env.example');

export type Env = Record<string, string | undefined>;
export type PublishedPort = { service: string; host: string | undefined; published: string; target: string };
export type Mount = { service: string; source: string; target: string; readOnly: boolean };
export type Service = {
  name: string;
  /** The image it runs (`depok-env:local`: the Dockerfile's), and its command and health check, if any. */
  image: string | undefined;
  command: string[];
  healthcheck: string[];
  environment: Record<string, string>;
  ports: PublishedPort[];
  mounts: Mount[];
};

// ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, $$ (compose spec "Interpolation").
const VARIABLE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** One value interpolated; a required variable that is unset becomes `<VAR>` (compose would stop). */
export function interpolate(text: string, env: Env): string {
  return text.replace(VARIABLE, (whole, braced?: string, op?: string, arg = '', bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const set = value !== undefined && (value !== '' || !op?.startsWith(':'));
    if (op === ':-' || op === '-') return set ? (value as string) : interpolate(arg, env);
    if (op === ':?' || op === '?') return set ? (value as string) : `<${name}>`;
    if (op === ':+' || op === '+') return set ? interpolate(arg, env) : '';
    return value ?? '';
  });
}

function resolve(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => resolve(item, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, env)]));
  return node;
}

/** `[HOST:][PUBLISHED:]TARGET[/PROTO]`, HOST possibly `[ipv6]`; long form `{ host_ip, published, target }`. */
function port(service: string, spec: unknown): PublishedPort {
  if (spec && typeof spec === 'object') {
    const long = spec as { host_ip?: string; published?: string | number; target: string | number };
    return {
      service,
      host: long.host_ip,
      published: String(long.published ?? ''),
      target: String(long.target),
    };
  }
  let rest = String(spec).replace(/\/(tcp|udp)$/, '');
  let host: string | undefined;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracket) [, host, rest] = bracket as unknown as [string, string, string];
  const parts = rest.split(':');
  const target = parts.pop() as string;
  const published = parts.pop() ?? '';
  if (parts.length > 0) host = parts.join(':');
  return { service, host: host === '' ? undefined : host, published, target };
}

function mount(service: string, spec: unknown): Mount {
  if (spec && typeof spec === 'object') {
    const long = spec as { source?: string; target: string; read_only?: boolean };
    return { service, source: long.source ?? '', target: long.target, readOnly: long.read_only === true };
  }
  const [source = '', target = '', options = ''] = String(spec).split(':');
  return { service, source, target, readOnly: options.split(',').includes('ro') };
}

function environment(node: unknown): Record<string, string> {
  if (Array.isArray(node))
    return Object.fromEntries(
      node.map((line: string) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      }),
    );
  return Object.fromEntries(
    Object.entries((node ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]),
  );
}

/** The services of docker-compose.yml, interpolated against `env` (empty: every default applies). */
export function loadCompose(env: Env = {}, path = COMPOSE_PATH): Map<string, Service> {
  const doc = resolve(parse(readFileSync(path, 'utf8'), { merge: true }), env) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        healthcheck?: { test?: string[] };
        environment?: unknown;
        ports?: unknown[];
        volumes?: unknown[];
      }
    >;
  };
  const out = new Map<string, Service>();
  for (const [name, s] of Object.entries(doc.services)) {
    out.set(name, {
      name,
      image: s.image,
      command: s.command ?? [],
      healthcheck: s.healthcheck?.test ?? [],
      environment: environment(s.environment),
      ports: (s.ports ?? []).map((p) => port(name, p)),
      mounts: (s.volumes ?? []).map((v) => mount(name, v)),
    });
  }
  return out;
}

/** KEY=value lines of an env file (deploy/.env.example), comments and blank lines skipped. */
export function readEnvFile(path = ENV_EXAMPLE_PATH): Env {
  const env: Env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1]) env[m[1]] = m[2] ?? '';
  }
  return env;
}
