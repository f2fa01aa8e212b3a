import { describe, expect, it } from 'vitest';
import { MessageBus } from './bus.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageBus', () => {
  it('calls every listener whose filter matches (MQTT wildcards), then the emit callback', async () => {
    const bus = new MessageBus({ concurrency: 10 });
    const seen: string[] = [];
    bus.on('sensors/+/aq-1', (m: { topic: string }, done: () => void) => {
      seen.push(`plus ${m.topic}`);
      done();
    });
    bus.on('sensors/#', (m: { topic: string }, done: () => void) => {
      seen.push(`hash ${m.topic}`);
      setImmediate(done);
    });
    bus.on('alerts/#', (_m: { topic: string }, done: () => void) => {
      seen.push('alerts');
      done();
    });
    const finished = new Promise<void>((resolve) =>
      bus.emit({ topic: 'sensors/air_quality/aq-1' }, () => resolve()),
    );
    expect(seen.sort()).toEqual(['hash sensors/air_quality/aq-1', 'plus sensors/air_quality/aq-1']);
    await finished;
  });

  it('keeps at most `concurrency` messages in delivery and starts the rest in order', async () => {
    const bus = new MessageBus({ concurrency: 3 });
    const holding: (() => void)[] = [];
    const started: number[] = [];
    bus.on('t/#', (m: { topic: string }, done: () => void) => {
      started.push(Number(m.topic.slice(2)));
      holding.push(done);
    });
    const completed: number[] = [];
    for (let i = 0; i < 10; i++) bus.emit({ topic: `t/${i}` }, () => completed.push(i));
    expect(started).toEqual([0, 1, 2]);
    expect(bus.backlog).toBe(10);
    holding.shift()?.();
    expect(started).toEqual([0, 1, 2, 3]);
    while (holding.length > 0) holding.shift()?.();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(completed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bus.backlog).toBe(0);
  });

  it('drains a long queue of messages nobody listens to without deep recursion', () => {
    const bus = new MessageBus({ concurrency: 1 });
    // Held so the rest queue up behind it; released, all complete at once.
    let release: (() => void) | undefined;
    bus.on('held', (_m: { topic: string }, done: () => void) => {
      release = done;
    });
    let completed = 0;
    bus.emit({ topic: 'held' });
    for (let i = 0; i < 200_000; i++) bus.emit({ topic: 'nobody/listens' }, () => completed++);
    expect(completed).toBe(0);
    release?.();
    expect(completed).toBe(200_000);
  });

  it('passes only `done` to a one-argument listener, as mqemitter does', () => {
    const bus = new MessageBus({ concurrency: 5 });
    const received: unknown[] = [];
    bus.on('a', (done: () => void) => {
      received.push(done);
      done();
    });
    let called = false;
    bus.emit({ topic: 'a' }, () => {
      called = true;
    });
    expect(received).toHaveLength(1);
    expect(typeof received[0]).toBe('function');
    expect(called).toBe(true);
  });

  it('removes a listener on the next turn and refuses messages once closed', async () => {
    const bus = new MessageBus({ concurrency: 5 });
    let calls = 0;
    const listener = (_m: { topic: string }, done: () => void) => {
      calls++;
      done();
    };
    bus.on('x', listener);
    bus.removeListener('x', listener);
    bus.emit({ topic: 'x' });
    await tick();
    bus.emit({ topic: 'x' });
    expect(calls).toBe(1);
    await new Promise<void>((resolve) => bus.close(resolve));
    const err = await new Promise<Error | undefined>((resolve) => bus.emit({ topic: 'x' }, resolve));
    expect(err?.message).toMatch(/closed/);
  });
});
