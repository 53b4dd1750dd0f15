import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock';
import { RetryBudget } from './retry-budget';

describe('RetryBudget (fake clock)', () => {
  it('allows the minimum, then about 10% of recent requests', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.1, minPerWindow: 3, windowMs: 10_000 }, clock);
    let retries = 0;
    for (let i = 0; i < 1000; i++) {
      budget.recordRequest();
      if (budget.tryRetry()) retries++;
      clock.advance(5); // 1000 requests over 5 s: all inside one window
    }
    expect(retries).toBe(100);
    expect((1000 + retries) / 1000).toBeLessThanOrEqual(1.1);
  });

  it('grants the minimum to a quiet isolate', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerWindow: 3, windowMs: 10_000 }, new FakeClock());
    budget.recordRequest();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
  });

  it('forgets requests and retries older than the window', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.1, minPerWindow: 1, windowMs: 10_000 }, clock);
    budget.recordRequest();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    clock.advance(10_000);
    expect(budget.tryRetry()).toBe(true);
  });
});
