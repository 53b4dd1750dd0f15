import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config';
import { FakeClock } from '../util/clock';
import { EndpointPool } from './endpoint-pool';

const BREAKER = { consecutiveFailures: 2, failureRate: 0.5, window: 10, minRequests: 10, cooldownMs: 1000, maxCooldownMs: 8000 };
const model = {
  id: 'm',
  tier: 'large',
  inputPer1M: 1,
  outputPer1M: 1,
  contextWindow: 1000,
  endpoints: [
    { id: 'east', baseUrl: 'http://e/v1', weight: 3 },
    { id: 'west', baseUrl: 'http://w/v1', weight: 1 },
  ],
} as ModelConfig;
const [east, west] = model.endpoints as [ModelConfig['endpoints'][0], ModelConfig['endpoints'][0]];

describe('EndpointPool (fake clock)', () => {
  it('orders by weight', () => {
    let r = 0;
    const seq = [0.1, 0.9];
    const pool = new EndpointPool(BREAKER, new FakeClock(), () => seq[r++ % 2]!);
    expect(pool.order(model).map((e) => e.id)).toEqual(['east', 'west']);
    let firsts = 0;
    const random = new EndpointPool(BREAKER, new FakeClock());
    for (let i = 0; i < 4000; i++) if (random.order(model)[0]!.id === 'east') firsts++;
    expect(firsts / 4000).toBeGreaterThan(0.7);
    expect(firsts / 4000).toBeLessThan(0.8);
  });

  it('skips an endpoint whose breaker is open: 0 calls to it until the cool-down, then one probe', () => {
    const clock = new FakeClock();
    const pool = new EndpointPool(BREAKER, clock);
    pool.onFailure(model, east);
    pool.onFailure(model, east);
    for (let i = 0; i < 50; i++) expect(pool.order(model).map((e) => e.id)).toEqual(['west']);
    expect(pool.admit(model, east)).toBeUndefined();
    clock.advance(1000);
    expect(pool.admit(model, east)).toBe('probe');
    expect(pool.admit(model, east)).toBeUndefined();
  });

  it('honours Retry-After: no attempt on that endpoint before it has passed', () => {
    const clock = new FakeClock();
    const pool = new EndpointPool({ ...BREAKER, consecutiveFailures: 100 }, clock);
    pool.onFailure(model, east, 'normal', 2);
    clock.advance(1999);
    expect(pool.order(model).map((e) => e.id)).toEqual(['west']);
    expect(pool.admit(model, east)).toBeUndefined();
    clock.advance(1);
    expect(pool.admit(model, east)).toBe('normal');
  });

  it('says how long until any endpoint takes requests', () => {
    const clock = new FakeClock();
    const pool = new EndpointPool({ ...BREAKER, consecutiveFailures: 100 }, clock);
    pool.onFailure(model, east, 'normal', 5);
    pool.onFailure(model, west, 'normal', 3);
    expect(pool.retryAfterMs(model)).toBe(3000);
  });

  it('weighs a slow endpoint down', () => {
    const pool = new EndpointPool(BREAKER, new FakeClock());
    pool.onSuccess(model, east, 'normal', 9000); // 10× slower first tokens: weight 3 × 0.1
    let westFirst = 0;
    for (let i = 0; i < 2000; i++) if (pool.order(model)[0]!.id === 'west') westFirst++;
    expect(westFirst / 2000).toBeGreaterThan(0.7);
  });
});
