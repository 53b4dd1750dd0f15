// Money through the gateway: the cost of an answer from the provider's usage details and the
// catalog's prices (cached input, reasoning, an endpoint's own prices).
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { skipWithoutRedis, startUpstash, type Upstash } from './harness/redis.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';
import { gatewaySuite } from './harness/suite.ts';

function config(providerUrl: string) {
  const cfg = testConfig({ providerUrl });
  Object.assign(cfg.models[0], { inputPer1M: 2, outputPer1M: 8, cachedInputPer1M: 0.5, reasoningPer1M: 20 });
  // The large model's endpoint is billed at its own input price.
  Object.assign(cfg.models[1], { inputPer1M: 4, outputPer1M: 16 });
  cfg.models[1].endpoints[0].prices = { inputPer1M: 3 };
  return cfg;
}
const s = gatewaySuite(config);

const USAGE = {
  prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306,
  prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 192 },
};
const script = { events: [
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] },
  { choices: [], usage: USAGE },
  '[DONE]',
] };

describe('cost from usage details', () => {
  it('cached input and reasoning at their own prices, in the header, the body and the stream', async () => {
    s.provider.script('east', script);
    // 86 × 2 + 1,920 × 0.5 + 108 × 8 + 192 × 20 = 172 + 960 + 864 + 3,840 = 5,836 micro-USD
    const res = await chat(s.gateway.url, {});
    expect(res.headers.get('x-gateway-cost-usd')).toBe('0.005836');
    const body = (await res.json()) as { usage: unknown; gateway: { cost_usd: number } };
    expect(body.gateway.cost_usd).toBe(0.005836);
    expect(body.usage).toEqual(USAGE);
    const events = jsonEvents(await new FrameReader(await chat(s.gateway.url, { stream: true, stream_options: { include_usage: true } })).rest());
    expect(events.at(-1)).toMatchObject({ usage: USAGE, gateway: { cost_usd: 0.005836 } });
  });

  it('an endpoint\'s own prices override the model\'s', async () => {
    s.provider.script('west', script);
    // 86 × 3 + 1,920 × 3 (no cached price: input's) + 300 × 16 = 258 + 5,760 + 4,800 = 10,818 micro-USD
    const res = await chat(s.gateway.url, { model: 'sim-large' });
    expect(res.headers.get('x-gateway-cost-usd')).toBe('0.010818');
  });
});

describe.skipIf(skipWithoutRedis())('usdPerDay on real Redis', () => {
  let upstash: Upstash;
  let provider: SimProvider;
  let gateway: Gateway;
  const LIMIT = 0.05;

  beforeAll(async () => {
    upstash = await startUpstash('gw-spend-token');
    provider = await startProvider();
    const cfg = testConfig({ providerUrl: provider.url, budgets: { totalMs: 60_000, firstTokenMs: 30_000 } });
    cfg.tenants[0].limits = { usdPerDay: LIMIT };
    // A burst of 1,000 on 2 shared cores: give Redis time, so the shared ledger (not an isolate's) decides.
    cfg.rateLimit = { redisTimeoutMs: 30_000 };
    // Worst case per request: ~11 prompt tokens × $2.5/M + 100 × $10/M ≈ $0.00103 (sim-large).
    gateway = await startGateway(cfg, { ...TEST_BINDINGS, ...upstash.bindings });
  });
  afterAll(async () => {
    await gateway?.close();
    await provider?.close();
    await upstash?.close();
  });

  it('1,000 concurrent requests: admitted spend ≤ the limit + one reservation; every refusal a 429 with the budget in headers', async () => {
    provider.setFaults('west', { firstTokenMs: 50, interTokenMs: 0, tokens: 100 });
    const responses = await Promise.all(Array.from({ length: 1000 }, () => chat(gateway.url, { model: 'sim-large', max_tokens: 100 })));
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(ok.length + refused.length).toBe(1000);
    const spent = ok.reduce((sum, r) => sum + Number(r.headers.get('x-gateway-cost-usd')), 0);
    const reservation = (11 * 2.5 + 100 * 10) / 1e6;
    console.log(`usdPerDay ${LIMIT}: ${ok.length} admitted, ${refused.length} refused, spent $${spent.toFixed(6)} (one reservation $${reservation.toFixed(6)})`);
    expect(gateway.requestLogs().filter((l) => l.spend_redis)).toEqual([]);
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(LIMIT + reservation);
    for (const r of refused) {
      const body = (await r.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ code: 'spend_limit_exceeded', param: 'usd_per_day' });
      expect(r.headers.get('x-gateway-spend-limit-usd')).toBe(String(LIMIT));
      expect(Number(r.headers.get('x-gateway-spend-remaining-usd'))).toBeLessThan(reservation);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Settled: the ledger holds what was really spent, not the reservations.
    const redis = new Redis({ url: upstash.bridge.url, token: 'gw-spend-token' });
    const key = `gw:spend:acme:${new Date().toISOString().slice(0, 10)}`;
    await expect.poll(async () => Number(await redis.get(key)) / 1e9, { timeout: 10_000 }).toBeCloseTo(spent, 6);
  }, 120_000);

  it('Redis failing: interactive admits on the isolate\'s ledger (logged), batch is refused with 503', async () => {
    const from = gateway.requestLogs().length;
    upstash.bridge.setBroken('error');
    try {
      const interactive = await chat(gateway.url, { model: 'sim-small', max_tokens: 5 });
      // The day's budget is spent in Redis, not in this isolate's ledger: admitted, and logged.
      expect(interactive.status).toBe(200);
      const batch = await chat(gateway.url, { model: 'sim-small', max_tokens: 5, gateway: { priority: 'batch' } });
      expect(batch.status).toBe(503);
      await expect.poll(() => gateway.requestLogs().slice(from).filter((l) => l.spend_redis).map((l) => l.spend_redis)).toEqual(['fail-open', 'fail-closed']);
    } finally {
      upstash.bridge.setBroken('ok');
    }
  });
});

describe('a stream cut after tokens flowed', () => {
  const c = gatewaySuite((url) => testConfig({ providerUrl: url }));
  it('is still charged: its usage estimated from what streamed and priced (spend limits and stats see it)', async () => {
    c.provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0, cutAfterTokens: 10 });
    const res = await chat(c.gateway.url, { stream: true });
    await res.text();
    await expect.poll(() => c.gateway.requestLogs().find((l) => l.request_id === res.headers.get('x-request-id'))).toMatchObject({
      usage_estimated: true,
      cost_usd: expect.any(Number),
    });
    const log = c.gateway.requestLogs().find((l) => l.request_id === res.headers.get('x-request-id'))!;
    expect(log.cost_usd as number).toBeGreaterThan(0);
  });
});
