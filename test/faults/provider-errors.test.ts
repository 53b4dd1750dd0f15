// What a provider's error answers can make the gateway do: its Retry-After is advice, bounded by
// config (resilience.maxRetryAfterSeconds), for the endpoint's pause and for what clients are told.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat } from '../harness/requests.ts';

let provider: SimProvider;
let gateway: Gateway;

function config(resilience: Record<string, unknown> = {}) {
  const cfg = testConfig({ providerUrl: provider.url });
  cfg.resilience = { retry: { maxAttempts: 1 }, ...resilience };
  return cfg;
}

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(config(), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => provider.reset());

const fast = { firstTokenMs: 1, interTokenMs: 0 };

describe('Retry-After from the provider', () => {
  it('a 429 with Retry-After: 99999 parks the endpoint for maxRetryAfterSeconds only, and clients are told no more', async () => {
    await gateway.setConfig(config({ maxRetryAfterSeconds: 1 }), TEST_BINDINGS);
    provider.setFaults('east', { ...fast, status: 429, retryAfter: 99_999, failFirst: 1 });
    const limited = await chat(gateway.url, {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    // While the endpoint cools down: a fast 503, with the capped wait.
    const paused = await chat(gateway.url, {});
    expect(paused.status).toBe(503);
    expect(Number(paused.headers.get('retry-after'))).toBeLessThanOrEqual(1);
    // After the cap, the endpoint takes requests again.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await chat(gateway.url, {})).status).toBe(200);
    expect(provider.calls).toHaveLength(2);
  });

  it('by default the cap is 60 s', async () => {
    await gateway.setConfig(config(), TEST_BINDINGS);
    provider.setFaults('east', { ...fast, status: 503, retryAfter: 99_999 });
    const res = await chat(gateway.url, {});
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
  });
});
