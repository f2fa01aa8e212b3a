import { createRequire } from 'node:module';
import Denque from 'denque';

/** What aedes 1.2 uses of its message bus (`opts.mq`): on, removeListener, emit and close. */
type Message = { topic: string };
type Done = () => void;
type Listener = ((message: Message, done: Done) => void) | ((done: Done) => void);

type QlobberMatcher = {
  add(topic: string, listener: Listener): void;
  remove(topic: string, listener?: Listener): void;
  match(topic: string): Listener[];
};
// qlobber ships no types; it is the matcher mqemitter (aedes's default bus) uses.
const { Qlobber } = createRequire(import.meta.url)('qlobber') as {
  Qlobber: new (options: Record<string, unknown>) => QlobberMatcher;
};

/**
 * The broker's in-process message bus. It does what aedes's default bus (mqemitter 7) does: MQTT
 * wildcard matching with qlobber, every matching listener called in parallel, at most `concurrency`
 * messages in delivery, the rest queued in order, `emit`'s callback once every listener is done. Two
 * things differ, both measured with stack/bench/ingest.bench.ts:
 * - the queue is a deque: mqemitter takes from the front of an array with shift(), which V8 makes
 *   O(n) on a long array; with thousands of messages waiting for the ingest it took a third of the
 *   broker's CPU;
 * - the queue drains in a loop: mqemitter starts the next message from inside the previous one's
 *   completion, so a long run of messages no one listens to (they complete at once) overflowed the
 *   stack under load.
 */
export class MessageBus {
  readonly #matcher = new Qlobber({
    separator: '/',
    wildcard_one: '+',
    wildcard_some: '#',
    match_empty_levels: true,
  });
  readonly #queue = new Denque<{ message: Message; done: Done }>();
  readonly #concurrency: number;
  #inDelivery = 0;
  #draining = false;
  #closed = false;

  constructor(options: { concurrency: number }) {
    this.#concurrency = options.concurrency;
  }

  /** Messages in delivery plus those waiting: a gauge of how far subscribers are behind. */
  get backlog(): number {
    return this.#inDelivery + this.#queue.length;
  }

  on(topic: string, listener: Listener, done?: Done): this {
    this.#matcher.add(topic, listener);
    if (done) setImmediate(done);
    return this;
  }

  // Deferred as mqemitter does: a listener removed while a message is in delivery still gets it.
  removeListener(topic: string, listener: Listener, done?: Done): this {
    setImmediate(() => {
      this.#matcher.remove(topic, listener);
      done?.();
    });
    return this;
  }

  emit(message: Message, done: (err?: Error) => void = () => {}): this {
    if (this.#closed) {
      done(new Error('the message bus is closed'));
      return this;
    }
    this.#queue.push({ message, done });
    this.#drain();
    return this;
  }

  close(done: Done): this {
    this.#closed = true;
    setImmediate(done);
    return this;
  }

  #drain(): void {
    // A delivery that completes at once (and whatever its callback emits) lands back here; the loop
    // already running picks that up, so the stack stays flat however long the queue.
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#inDelivery < this.#concurrency) {
        const next = this.#queue.shift();
        if (!next) break;
        this.#inDelivery++;
        this.#deliver(next.message, next.done);
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(message: Message, done: Done): void {
    const listeners = this.#matcher.match(message.topic);
    let pending = listeners.length;
    const finished = () => {
      this.#inDelivery--;
      done();
      this.#drain();
    };
    if (pending === 0) {
      finished();
      return;
    }
    const release = () => {
      if (--pending === 0) finished();
    };
    for (const listener of listeners) {
      if (listener.length === 1) (listener as (done: Done) => void).call(this, release);
      else (listener as (message: Message, done: Done) => void).call(this, message, release);
    }
  }
}
