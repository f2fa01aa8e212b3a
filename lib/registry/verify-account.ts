import type { Account, LiveRegistry } from './live-registry.ts';
import type { VerifiedSecretCache } from './secrets.ts';

export type AccountVerdict =
  | { ok: true; account: Account }
  | { ok: false; reason: 'unknown_or_revoked' | 'bad_secret' | 'account_changed' | 'throttled' };

function recordOf(account: Account | undefined): { secret_hash: string; revoked: boolean } | undefined {
  if (account?.type === 'integration') return account.integration;
  return account?.type === 'device' ? account.device : account?.service;
}

/**
 * Consulted once the cache cannot say the secret is right, before anything costs scrypt: false refuses
 * the check ('throttled'). The broker's failure limits (auth-throttle.ts) sit here; they may make a
 * check wait for others from the same address or for the same account.
 */
export type CheckGate = () => boolean | Promise<boolean>;

/**
 * An account's secret checked against the registry, as the broker's CONNECT and the ingest's HTTP door
 * both need it. scrypt runs off the event loop, so the registry may be reloaded meanwhile: a secret
 * rotated or an account revoked during the check wins, and the account returned is the current one.
 * A secret that verified recently is recognised by the cache and passes without asking `gate`: a
 * flood of wrong guesses for a device id cannot lock out the device itself.
 */
export async function verifyAccount(
  registry: LiveRegistry,
  secrets: VerifiedSecretCache,
  username: string,
  secret: string,
  gate?: CheckGate,
): Promise<AccountVerdict> {
  const record = recordOf(registry.lookup(username));
  if (!record || record.revoked) return { ok: false, reason: 'unknown_or_revoked' };
  if (secrets.recall(secret, record.secret_hash) !== true && gate && !(await gate()))
    return { ok: false, reason: 'throttled' };
  if (!(await secrets.verify(secret, record.secret_hash))) return { ok: false, reason: 'bad_secret' };
  const account = registry.lookup(username);
  const latest = recordOf(account);
  if (!account || !latest || latest.revoked || latest.secret_hash !== record.secret_hash)
    return { ok: false, reason: 'account_changed' };
  return { ok: true, account };
}
