import { availableParallelism } from 'node:os';
import { AuthThrottle, type Ticket } from '../lib/registry/auth-throttle.ts';
import type { LiveRegistry } from '../lib/registry/live-registry.ts';
import { ScryptPool, VerifierBusy } from '../lib/registry/scrypt-pool.ts';
import { VerifiedSecretCache, verifySecret } from '../lib/registry/secrets.ts';
import { type AccountVerdict, verifyAccount } from '../lib/registry/verify-account.ts';
import type { BrokerConfig } from './config.ts';
import type { BrokerMetrics } from './metrics.ts';

export type CheckVerdict =
  | AccountVerdict
  | { ok: false; reason: 'throttled_address' | 'throttled_account' | 'throttled_suspect' | 'verifier_busy' };

export type AccountCheck = {
  check(address: string, username: string, secret: string): Promise<CheckVerdict>;
  close(): Promise<void>;
};

/**
 * The scrypt threads yield the CPU to the event loop when both want it (a flood then slows password
 * checks, not PUBACKs); they still get a whole idle core. Linux only (scrypt-pool.ts).
 */
const SCRYPT_NICE = 10;

/** One core is the event loop's; the rest, up to 4, may check secrets. */
export const defaultScryptThreads = () => Math.min(4, Math.max(1, availableParallelism() - 1));

/**
 * How a CONNECT's secret is checked: the verified-secret cache first (a device that connected
 * recently costs a SHA-256, whatever is going on), then the failure limits per address and per account
 * (auth-throttle.ts), and only then scrypt, on a bounded pool of worker threads (scrypt-pool.ts) whose
 * queue refuses rather than grows. `broker_secret_checks_total` counts the scrypt runs.
 */
export function createAccountCheck(
  config: BrokerConfig,
  registry: LiveRegistry,
  metrics: BrokerMetrics,
): AccountCheck {
  const pool = new ScryptPool({
    threads: config.auth.scryptThreads ?? defaultScryptThreads(),
    maxQueued: config.auth.scryptQueue,
    onRun: () => metrics.secretChecks.inc(),
    nice: SCRYPT_NICE,
  });
  const secrets = new VerifiedSecretCache(undefined, (secret, stored) =>
    verifySecret(secret, stored, pool.derive),
  );
  const throttle = new AuthThrottle({
    failuresPerAddress: config.auth.failuresPerAddress,
    failuresPerAccount: config.auth.failuresPerAccount,
    maxBackoffMs: config.auth.maxBackoffSeconds * 1000,
    suspectChecksPerSecond: config.auth.suspectChecksPerSecond,
  });
  metrics.readers.secretChecksWaiting = () => pool.waiting;

  return {
    async check(address, username, secret) {
      let ticket: Ticket | undefined;
      let refusedBy: 'address' | 'account' | 'suspect' | undefined;
      const gate = async () => {
        const admitted = await throttle.admit(address, username);
        if (typeof admitted === 'string') refusedBy = admitted;
        else ticket = admitted;
        return ticket !== undefined;
      };
      try {
        const verdict = await verifyAccount(registry, secrets, username, secret, gate);
        ticket?.settle(verdict.ok ? 'succeeded' : verdict.reason === 'bad_secret' ? 'failed' : 'neutral');
        if (!verdict.ok && verdict.reason === 'throttled')
          return { ok: false, reason: `throttled_${refusedBy ?? 'address'}` };
        return verdict;
      } catch (err) {
        ticket?.settle('neutral');
        if (err instanceof VerifierBusy) return { ok: false, reason: 'verifier_busy' };
        throw err;
      }
    },
    close: () => pool.close(),
  };
}
