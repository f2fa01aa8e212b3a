import { STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { FailureCounters, type LimitPolicy } from '../../lib/failure-counters.ts';
import { PublishRateLimiter } from '../../lib/rate-limit.ts';
import type { Device } from '../../lib/registry/schema.ts';

/** How a device's HTTP Basic credentials are checked (device-auth.ts; tests pass fakes). */
export type DeviceAuth = {
  /** The device, if this very secret verified before: a digest compared, no scrypt. */
  cached(id: string, secret: string): Device | undefined;
  /** One scrypt check whether or not the id is registered (an unknown id runs against a dummy hash). */
  verify(id: string, secret: string): Promise<Device | undefined>;
};

export const Refusals = {
  unauthenticated: 'unauthenticated',
  /** Too many failed checks from this address or for this id: refused before scrypt. */
  authBackoff: 'auth_backoff',
  /** The scrypt checks for secrets not yet verified are all taken. */
  busy: 'busy',
  /** A verified device over its own request rate. */
  rateLimited: 'rate_limited',
} as const;

export type Admission =
  | { ok: true; device: Device }
  | { ok: false; status: 401 | 429 | 503; reason: string; retryAfterS?: number };

/** Failed checks from one client address: ten free, then 1 s doubling up to 5 min. */
export const ADDRESS_BACKOFF: LimitPolicy = { free: 10, baseMs: 1000, maxMs: 300_000, forgetMs: 900_000 };
/**
 * Failed checks for one claimed id, from any address: five free, then 1 s doubling up to 1 min. Short,
 * since a device whose secret is not yet cached (after a worker restart) waits it out like the guesser.
 */
export const ID_BACKOFF: LimitPolicy = { free: 5, baseMs: 1000, maxMs: 60_000, forgetMs: 900_000 };
/** Addresses and ids remembered at most, each: a spray of either cannot grow the maps without bound. */
const MAX_KEYS = 10_000;
/**
 * scrypt checks at once for secrets not yet verified. Each costs about 60 ms and 32 MiB
 * (lib/registry/secrets.ts); a device that verified once skips it, so only new devices and guessers
 * wait for these, and a flood of guesses cannot take the worker's memory.
 */
const MAX_VERIFYING = 2;
/** Seconds a verified device over its rate, or a guesser facing a full gate, is asked to wait. */
export const RETRY_AFTER_S = 5;

export type DeviceGateOptions = {
  auth: DeviceAuth;
  /** Each verified device's own token bucket: requests a second, and how many at once after a gap. */
  limits: { requestsPerSecond: number; burst: number };
  now: () => number;
  maxVerifying?: number;
  byAddress?: LimitPolicy;
  byId?: LimitPolicy;
};

/** `Authorization: Basic base64(id:secret)` -> [id, secret]. */
export function basicCredentials(header: string | undefined): [string, string] | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : undefined;
}

/**
 * Who may send to `/v1/readings/<kind>/<station>`, decided before the body is read (issue 12, item 2).
 * Authentication comes first: a device's own allowance is charged only once its secret verified, so
 * guesses cannot use it up. A secret verified before passes on a digest, without waiting for scrypt,
 * so guessers cannot starve known devices. Everything else pays one scrypt, behind per-address and
 * per-id backoff (checked before scrypt) and a small gate. Every refusal before a verified secret is
 * the same 401, whatever the id: no credentials, a path not the id's own station, an unknown id (which
 * still runs a dummy scrypt, so it takes as long) or a wrong secret.
 */
export function createDeviceGate(options: DeviceGateOptions) {
  const { auth, limits, now } = options;
  const maxVerifying = options.maxVerifying ?? MAX_VERIFYING;
  // Failures are counted once a check failed (not when it starts, as the login limits do): the gate
  // above already caps the checks in flight.
  const byAddress = new FailureCounters(options.byAddress ?? ADDRESS_BACKOFF, MAX_KEYS);
  const byId = new FailureCounters(options.byId ?? ID_BACKOFF, MAX_KEYS);
  // Bounded by the registry: only devices whose secret verified get one.
  const buckets = new Map<string, PublishRateLimiter>();
  let verifying = 0;
  const unauthenticated: Admission = { ok: false, status: 401, reason: Refusals.unauthenticated };

  const charge = (device: Device): Admission => {
    let bucket = buckets.get(device.id);
    if (!bucket) {
      bucket = new PublishRateLimiter(limits.requestsPerSecond, limits.burst, now());
      buckets.set(device.id, bucket);
    }
    return bucket.take(now()) === 'accept'
      ? { ok: true, device }
      : { ok: false, status: 429, reason: Refusals.rateLimited, retryAfterS: RETRY_AFTER_S };
  };

  return async function admit(
    address: string,
    station: string,
    authorization: string | undefined,
  ): Promise<Admission> {
    const credentials = basicCredentials(authorization);
    // A device sends only its own station's readings (the broker's ACL on MQTT): any other path is
    // refused before the registry is consulted, so the answer cannot tell a known id from an unknown one.
    if (!credentials || credentials[0] !== station || !STATION_ID_PATTERN.test(station))
      return unauthenticated;
    const [id, secret] = credentials;
    const known = auth.cached(id, secret);
    if (known) return charge(known);

    const waitMs = Math.max(byAddress.waitMs(address, now()), byId.waitMs(id, now()));
    if (waitMs > 0)
      return { ok: false, status: 429, reason: Refusals.authBackoff, retryAfterS: Math.ceil(waitMs / 1000) };
    if (verifying >= maxVerifying)
      return { ok: false, status: 503, reason: Refusals.busy, retryAfterS: RETRY_AFTER_S };
    verifying++;
    const device = await auth.verify(id, secret).finally(() => {
      verifying--;
    });
    if (!device) {
      byAddress.add(address, now());
      byId.add(id, now());
      return unauthenticated;
    }
    byId.clear(id);
    return charge(device);
  };
}
