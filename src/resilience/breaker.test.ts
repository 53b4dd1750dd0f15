import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock';
import { CircuitBreaker, type BreakerOptions } from './breaker';

const OPTS: BreakerOptions = { consecutiveFailures: 3, failureRate: 0.5, window: 10, minRequests: 6, cooldownMs: 1000, maxCooldownMs: 4000 };

describe('CircuitBreaker (fake clock)', () => {
  it('opens after consecutive failures and admits nothing while open', () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker(OPTS, clock);
    for (let i = 0; i < 3; i++) b.onFailure();
    expect(b.state).toBe('open');
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (b.tryAcquire()) admitted++;
    clock.advance(999);
    if (b.tryAcquire()) admitted++;
    expect(admitted).toBe(0);
    expect(b.retryAfterMs()).toBe(1);
  });

  it('opens on a failure rate over the window even without a streak', () => {
    const b = new CircuitBreaker(OPTS, new FakeClock());
    for (const ok of [true, false, true, false, true, false]) (ok ? b.onSuccess() : b.onFailure());
    expect(b.state).toBe('open');
  });

  it('half-opens after the cool-down and admits exactly one probe; success closes it', () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker(OPTS, clock);
    for (let i = 0; i < 3; i++) b.onFailure();
    clock.advance(1000);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe('probe');
    expect(b.tryAcquire()).toBeUndefined();
    expect(b.tryAcquire()).toBeUndefined();
    b.onSuccess('probe');
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe('normal');
    expect(b.tryAcquire()).toBe('normal');
  });

  it('a failed probe re-opens it with a cool-down that doubles up to the maximum', () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker(OPTS, clock);
    for (let i = 0; i < 3; i++) b.onFailure();
    const cooldowns: number[] = [];
    for (let round = 0; round < 4; round++) {
      cooldowns.push(b.retryAfterMs());
      clock.advance(b.retryAfterMs());
      expect(b.tryAcquire()).toBe('probe');
      b.onFailure('probe');
    }
    expect(cooldowns).toEqual([1000, 2000, 4000, 4000]);
    expect(b.state).toBe('open');
  });

  it('a probe that ends saying nothing (client gone) frees the slot for the next probe', () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker(OPTS, clock);
    for (let i = 0; i < 3; i++) b.onFailure();
    clock.advance(1000);
    b.release(b.tryAcquire()!);
    expect(b.tryAcquire()).toBe('probe');
  });

  it('ignores late outcomes of requests admitted before it opened', () => {
    const clock = new FakeClock();
    const b = new CircuitBreaker(OPTS, clock);
    for (let i = 0; i < 3; i++) b.onFailure();
    b.onSuccess('normal'); // a slow request from before: must not close it
    b.onFailure('normal'); // nor lengthen the cool-down
    expect(b.state).toBe('open');
    expect(b.retryAfterMs()).toBe(1000);
    clock.advance(1000);
    const probe = b.tryAcquire();
    b.onFailure('normal'); // a stale failure while the probe is out
    expect(b.tryAcquire()).toBeUndefined(); // the probe slot is still the probe's
    b.onSuccess(probe);
    expect(b.state).toBe('closed');
  });
});
