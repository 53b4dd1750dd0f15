import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock';
import { LocalLimiter } from './local-limiter';
import { Lru } from './lru';
import { TokenBucket } from './token-bucket';

describe('TokenBucket (frozen / fake clock)', () => {
  it('admits exactly the capacity out of 1,000 concurrent requests', async () => {
    const limiter = new LocalLimiter(new FakeClock(1000));
    const spec = { capacity: 100, refillPerSecond: 10 };
    const results = await Promise.all(Array.from({ length: 1000 }, async () => limiter.take('acme:interactive', spec).ok));
    expect(results.filter(Boolean)).toHaveLength(100);
  });

  it('with refill, admits capacity + rate × elapsed (±1)', () => {
    const clock = new FakeClock(0);
    const limiter = new LocalLimiter(clock);
    const spec = { capacity: 100, refillPerSecond: 25 };
    let admitted = 0;
    for (let t = 0; t < 4000; t += 10) {
      for (let i = 0; i < 5; i++) if (limiter.take('k', spec).ok) admitted++;
      clock.advance(10);
    }
    expect(Math.abs(admitted - (100 + 25 * 4))).toBeLessThanOrEqual(1);
  });

  it('a refused take costs nothing, and says when to retry', () => {
    const b = new TokenBucket({ capacity: 10, refillPerSecond: 2 }, 0);
    expect(b.take(8, 0).ok).toBe(true);
    const refused = b.take(5, 0);
    expect(refused).toMatchObject({ ok: false, remaining: 2, retryAfterMs: 1500 });
    expect(b.take(2, 0).ok).toBe(true);
  });

  it('refunds, never above capacity', () => {
    const b = new TokenBucket({ capacity: 10, refillPerSecond: 0 }, 0);
    b.take(10, 0);
    b.refund(4, 0);
    expect(b.take(4, 0).ok).toBe(true);
    b.refund(100, 0);
    expect(b.take(10, 0).ok).toBe(true);
    expect(b.take(1, 0).ok).toBe(false);
  });

  it('reports RateLimit-Reset as the time to full', () => {
    const b = new TokenBucket({ capacity: 60, refillPerSecond: 1 }, 0);
    expect(b.take(30, 0).resetMs).toBe(30_000);
  });
});

describe('Lru', () => {
  it('keeps memory bounded for many identifiers, evicting the least recently used', () => {
    const lru = new Lru<string, number>(1000);
    for (let i = 0; i < 50_000; i++) lru.set(`tenant-${i}`, i);
    expect(lru.size).toBe(1000);
    expect(lru.get('tenant-0')).toBeUndefined();
    expect(lru.get('tenant-49999')).toBe(49_999);
  });
});
