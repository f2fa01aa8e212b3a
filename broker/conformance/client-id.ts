import { randomBytes } from 'node:crypto';

/**
 * The client id the server assigns to a CONNECT with an empty one and clean session [MQTT-3.1.3-6]:
 * the account name and a random suffix, the form every client id of an account has (hooks.ts), so the
 * session counts as the account's. 3.1.1 has no way to tell the client; a clean session never needs it.
 */
export function serverClientId(account: string): string {
  return `${account}:${randomBytes(9).toString('base64url')}`;
}
