/**
 * A bound on the messages queued for persistent sessions. With the journal those queues live in RAM, so
 * a subscriber that stays away (the ingest stopped for hours) would grow the broker until it ran out of
 * memory. Past the bound, devices' QoS 1 publishes wait for their PUBACK, which by aedes's flow control
 * also stops reading from those devices: they keep their readings (or resend them) instead of the broker
 * dropping what it acknowledged. Service accounts are never held: the ingest's own publishes share its
 * connection with the PUBACKs that empty the queues; what they publish is bounded per queue instead
 * (`queueFull`), or an absent flows session would grow the broker for as long as Node-RED stays away.
 */
export class QueueLimit {
  readonly #count: () => number;
  readonly #max: number;
  readonly #onFull: () => void;
  readonly #checkEveryMs: number;
  readonly #queued: (clientId: string) => number;
  readonly #maxPerQueue: number;
  #waiters: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Admitted publishes whose store has not finished: not in the count yet, but on their way. */
  #storing = 0;

  constructor(options: {
    count: () => number;
    max: number;
    onFull: () => void;
    checkEveryMs?: number;
    /** Messages in one client's queue, and the bound `queueFull` holds them to. */
    queued?: (clientId: string) => number;
    maxPerQueue?: number;
  }) {
    this.#count = options.count;
    this.#max = options.max;
    this.#onFull = options.onFull;
    this.#checkEveryMs = options.checkEveryMs ?? 100;
    this.#queued = options.queued ?? (() => 0);
    this.#maxPerQueue = options.maxPerQueue ?? Number.POSITIVE_INFINITY;
  }

  /** Whether `clientId`'s queue is at its bound (BROKER_MAX_QUEUED_SERVICE_MESSAGES). */
  queueFull(clientId: string): boolean {
    return this.#queued(clientId) >= this.#maxPerQueue;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Admits one publish now (undefined) or returns a promise that resolves when it is admitted, in
   * arrival order. Each admitted publish must call `stored()` once its store has finished or failed.
   */
  admit(): Promise<void> | undefined {
    if (this.#waiters.length === 0 && this.#hasRoom()) {
      this.#storing++;
      return undefined;
    }
    if (this.#waiters.length === 0) this.#onFull();
    const admitted = new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#timer ??= setInterval(() => this.#check(), this.#checkEveryMs);
    return admitted;
  }

  stored(): void {
    this.#storing--;
  }

  /** Stops checking; held publishes stay unanswered (their connections are closing anyway). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#waiters = [];
  }

  #hasRoom(): boolean {
    return this.#count() + this.#storing < this.#max;
  }

  #check(): void {
    while (this.#waiters.length > 0 && this.#hasRoom()) {
      this.#storing++;
      this.#waiters.shift()?.();
    }
    if (this.#waiters.length > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
