/**
 * Sessions per account: the client ids an account holds, live connections plus persistent sessions
 * (clean=false, kept after the connection ends). Client ids may be `<account>:<suffix>`, so without a
 * bound one device could open thousands of persistent sessions, each queueing its messages for ever
 * (one review made 5,000 in 6.4 s). A client id the account already holds is always let in: resuming or
 * taking over a session creates nothing.
 */
export class SessionLimit {
  readonly #persistent = new Map<string, Set<string>>();
  readonly #live = new Map<string, Map<string, object>>();

  /** Persistent sessions found in storage at start (the journal's), by client id. */
  seed(clientIds: Iterable<string>): void {
    for (const clientId of clientIds) {
      const account = clientId.split(':')[0] ?? clientId;
      entry(this.#persistent, account, () => new Set()).add(clientId);
    }
  }

  /** Client ids the account holds now. */
  held(account: string): number {
    const live = this.#live.get(account);
    let count = live?.size ?? 0;
    for (const id of this.#persistent.get(account) ?? []) if (!live?.has(id)) count += 1;
    return count;
  }

  /**
   * Admits `connection` (any object standing for it) as `clientId` of `account`, or false when that
   * would be a new session past `max`. Call release() when the connection ends.
   */
  admit(account: string, clientId: string, clean: boolean, max: number, connection: object): boolean {
    const known =
      this.#live.get(account)?.has(clientId) === true ||
      this.#persistent.get(account)?.has(clientId) === true;
    if (!known && this.held(account) >= max) return false;
    entry(this.#live, account, () => new Map()).set(clientId, connection);
    const persistent = this.#persistent.get(account);
    // [MQTT-3.1.2-6]: a clean session discards the stored one and ends with its connection.
    if (clean) {
      persistent?.delete(clientId);
      if (persistent?.size === 0) this.#persistent.delete(account);
    } else entry(this.#persistent, account, () => new Set()).add(clientId);
    return true;
  }

  /** The connection ended; a newer connection that took over the same client id keeps its place. */
  release(account: string, clientId: string, connection: object): void {
    const live = this.#live.get(account);
    if (live?.get(clientId) !== connection) return;
    live.delete(clientId);
    if (live.size === 0) this.#live.delete(account);
  }
}

function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
