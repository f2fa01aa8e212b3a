import { describe, expect, it } from 'vitest';
import { addressKey } from '../address-key.ts';
import { AuthThrottle, FailureLimiter, type FailurePolicy, type Outcome } from './auth-throttle.ts';

const policy: FailurePolicy = {
  free: 3,
  baseBlockMs: 1000,
  maxBlockMs: 8000,
  forgetMs: 60_000,
  resetOnSuccess: true,
  maxKeys: 1000,
};

/** Admits and fails one check at `now`; whether it was admitted. */
function failOnce(limiter: FailureLimiter, key: string, now: number): boolean {
  if (limiter.admit(key, now) !== 'admitted') return false;
  limiter.settle(key, 'failed', now);
  return true;
}

describe('FailureLimiter', () => {
  it('admits `free` failures, then blocks 1 s, doubling with each further failure up to the maximum', () => {
    const limiter = new FailureLimiter(policy);
    for (let i = 0; i < 2; i++) expect(failOnce(limiter, 'k', 0)).toBe(true);
    expect(limiter.blocked('k', 0)).toBe(false);
    expect(failOnce(limiter, 'k', 0)).toBe(true); // the third: blocked from now on
    expect(limiter.admit('k', 999)).toBe('blocked');
    let now = 1000;
    const blocks: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(failOnce(limiter, 'k', now)).toBe(true);
      let until = now;
      while (limiter.admit('k', until) !== 'admitted') until += 250;
      limiter.settle('k', 'neutral', until);
      blocks.push(until - now);
      now = until;
    }
    expect(blocks).toEqual([2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('does not count attempts refused while blocked: a block always ends', () => {
    const limiter = new FailureLimiter(policy);
    for (let i = 0; i < 3; i++) failOnce(limiter, 'k', 0);
    for (let t = 0; t < 1000; t += 10) expect(limiter.admit('k', t)).toBe('blocked');
    expect(limiter.admit('k', 1000)).toBe('admitted');
  });

  it('holds under concurrency: checks in flight count, past the allowance one at a time', async () => {
    const limiter = new FailureLimiter(policy);
    const answers = Array.from({ length: 64 }, () => limiter.admit('k', 0));
    expect(answers.filter((a) => a === 'admitted')).toHaveLength(3);
    expect(answers.filter((a) => a === 'wait')).toHaveLength(61);
    const woken = limiter.settled('k');
    for (let i = 0; i < 3; i++) limiter.settle('k', 'failed', 10);
    await woken;
    expect(limiter.admit('k', 10)).toBe('blocked');
    expect(limiter.admit('k', 1010)).toBe('admitted');
    expect(limiter.admit('k', 1010)).toBe('wait'); // the probe is still in flight
  });

  it('admits the waiting checks as the ones in flight succeed', () => {
    const limiter = new FailureLimiter({ ...policy, resetOnSuccess: false });
    for (let i = 0; i < 3; i++) limiter.admit('k', 0);
    expect(limiter.admit('k', 0)).toBe('wait');
    limiter.settle('k', 'succeeded', 5);
    expect(limiter.admit('k', 5)).toBe('admitted');
  });

  it('a success clears an account; an address keeps its failures', () => {
    const account = new FailureLimiter(policy);
    const address = new FailureLimiter({ ...policy, resetOnSuccess: false });
    for (const limiter of [account, address]) {
      failOnce(limiter, 'k', 0);
      failOnce(limiter, 'k', 0);
      limiter.admit('k', 0);
      limiter.settle('k', 'succeeded', 0);
      failOnce(limiter, 'k', 0);
    }
    expect(account.blocked('k', 1)).toBe(false);
    expect(address.blocked('k', 1)).toBe(true);
  });

  it('forgets a quiet key, and never holds more than maxKeys', () => {
    const limiter = new FailureLimiter({ ...policy, maxKeys: 100 });
    for (let i = 0; i < 3; i++) failOnce(limiter, 'old', 0);
    expect(limiter.admit('old', 30_000)).toBe('admitted');
    limiter.settle('old', 'neutral', 30_000);
    // Remembered, a fourth failure would block it for 2 s; forgotten, it is a first failure.
    failOnce(limiter, 'old', 70_000);
    expect(limiter.blocked('old', 70_001)).toBe(false);
    for (let i = 0; i < 1000; i++) failOnce(limiter, `spray-${i}`, 80_000);
    expect(limiter.size).toBeLessThanOrEqual(101);
  });
});

describe('AuthThrottle', () => {
  it('limits one address across accounts and one account across addresses', async () => {
    let now = 0;
    const throttle = new AuthThrottle(
      { failuresPerAddress: 4, failuresPerAccount: 2, maxBackoffMs: 60_000, suspectChecksPerSecond: 1000 },
      () => now,
    );
    const fail = async (address: string, account: string) => {
      const ticket = await throttle.admit(address, account);
      if (typeof ticket === 'string') return ticket;
      ticket.settle('failed');
      return 'checked';
    };
    expect([await fail('10.0.0.1', 'a'), await fail('10.0.0.2', 'a'), await fail('10.0.0.3', 'a')]).toEqual([
      'checked',
      'checked',
      'account',
    ]);
    const fromOne: string[] = [];
    for (const account of ['b', 'c', 'd', 'e']) fromOne.push(await fail('10.0.0.9', account));
    expect(fromOne).toEqual(['checked', 'checked', 'checked', 'checked']);
    expect(await fail('10.0.0.9', 'f')).toBe('address');
    now = 1000;
    expect(await fail('10.0.0.4', 'a')).toBe('checked'); // the account's block ended
  });

  it('a check waiting on the account gives the address its reservation back, then is refused', async () => {
    const throttle = new AuthThrottle({
      failuresPerAddress: 1,
      failuresPerAccount: 1,
      maxBackoffMs: 60_000,
      suspectChecksPerSecond: 1000,
    });
    const first = await throttle.admit('10.0.0.1', 'a');
    if (typeof first === 'string') throw new Error('first check refused');
    const second = throttle.admit('10.0.0.2', 'a'); // waits on account a
    const other = await throttle.admit('10.0.0.2', 'b'); // 10.0.0.2 was not held meanwhile
    if (typeof other === 'string') throw new Error('other check refused');
    other.settle('succeeded');
    first.settle('failed');
    expect(await second).toBe('account');
  });
});

describe('AuthThrottle: the shared budget for keys that failed, and for everyone during a flood', () => {
  const make = (clock: { now: number }) =>
    new AuthThrottle(
      { failuresPerAddress: 10, failuresPerAccount: 5, maxBackoffMs: 60_000, suspectChecksPerSecond: 1 },
      () => clock.now,
    );
  const attempt = async (throttle: AuthThrottle, address: string, account: string, outcome: Outcome) => {
    const ticket = await throttle.admit(address, account);
    if (typeof ticket === 'string') return ticket;
    ticket.settle(outcome);
    return 'checked';
  };

  it('holds keys that failed to the budget (burst 5, then 1 a second) even without a flood', async () => {
    const clock = { now: 0 };
    const throttle = make(clock);
    for (const i of [1, 2, 3]) await attempt(throttle, `10.0.0.${i}`, `acct-${i}`, 'failed');
    const again: string[] = [];
    for (let n = 0; n < 3; n++)
      for (const i of [1, 2, 3]) again.push(await attempt(throttle, `10.0.0.${i}`, `acct-${i}`, 'failed'));
    expect(again.filter((a) => a === 'checked')).toHaveLength(5);
    expect(again.filter((a) => a === 'suspect')).toHaveLength(4);
    clock.now = 2000;
    expect(await attempt(throttle, '10.0.0.1', 'acct-1', 'failed')).toBe('checked');
  });

  it('costs a flood over 64 fresh addresses and accounts 21 checks (the 21st failure starts the flood) plus the burst, not 64', async () => {
    const clock = { now: 0 };
    const throttle = make(clock);
    const answers: string[] = [];
    for (let i = 0; i < 64; i++) answers.push(await attempt(throttle, `10.0.1.${i}`, `acct-${i}`, 'failed'));
    expect(answers.filter((a) => a === 'checked')).toHaveLength(26);
    expect(answers.filter((a) => a === 'suspect')).toHaveLength(38);
    // Over once failures slow down: 5 s without any refills half the count.
    clock.now = 5000;
    expect(await attempt(throttle, '10.0.9.1', 'fresh', 'succeeded')).toBe('checked');
  });

  it('never holds a fleet on fresh addresses and accounts while no flood is on', async () => {
    const throttle = make({ now: 0 });
    const fleet: string[] = [];
    for (let i = 0; i < 200; i++)
      fleet.push(await attempt(throttle, `10.0.2.${i}`, `device-${i}`, 'succeeded'));
    expect(fleet.every((a) => a === 'checked')).toBe(true);
  });
});

describe('addressKey', () => {
  it('keys IPv4 as it is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
