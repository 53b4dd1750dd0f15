// What a provider's error answers can make the gateway do: its Retry-After is advice, bounded by
// config (resilience.maxRetryAfterSeconds), for the endpoint's pause and for what clients are told.
import { describe, expect, it } from 'vitest';
import { TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { chat } from '../harness/requests.ts';
import { gatewaySuite } from '../harness/suite.ts';

function config(providerUrl: string, resilience: Record<string, unknown> = {}) {
  const cfg = testConfig({ providerUrl });
  cfg.resilience = { retry: { maxAttempts: 1 }, ...resilience };
  return cfg;
}

const s = gatewaySuite((url) => config(url));

const fast = { firstTokenMs: 1, interTokenMs: 0 };

describe('Retry-After from the provider', () => {
  it('a 429 with Retry-After: 99999 parks the endpoint for maxRetryAfterSeconds only, and clients are told no more', async () => {
    await s.gateway.setConfig(config(s.provider.url, { maxRetryAfterSeconds: 1 }), TEST_BINDINGS);
    s.provider.setFaults('east', { ...fast, status: 429, retryAfter: 99_999, failFirst: 1 });
    const limited = await chat(s.gateway.url, {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    // While the endpoint cools down: a fast 503, with the capped wait.
    const paused = await chat(s.gateway.url, {});
    expect(paused.status).toBe(503);
    expect(Number(paused.headers.get('retry-after'))).toBeLessThanOrEqual(1);
    // After the cap, the endpoint takes requests again.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await chat(s.gateway.url, {})).status).toBe(200);
    expect(s.provider.calls).toHaveLength(2);
  });

  it('by default the cap is 60 s', async () => {
    await s.gateway.setConfig(config(s.provider.url), TEST_BINDINGS);
    s.provider.setFaults('east', { ...fast, status: 503, retryAfter: 99_999 });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
  });
});
