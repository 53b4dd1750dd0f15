// Breakers, the retry budget, Retry-After, per-attempt deadlines and the fallback chain, observed
// at the simulated provider (which endpoint got which call, when, and whether it was aborted).
// Clock-driven behaviour (cool-downs, Retry-After windows) is tested on a fake clock in
// src/resilience/*.test.ts and src/routing/endpoint-pool.test.ts; here the real thing runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { ADMIN_TOKEN, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';

let provider: SimProvider;
let gateway: Gateway;
const FIRST_TOKEN_MS = 400;

function config(resilience: Record<string, unknown> = {}) {
  const cfg = testConfig({ providerUrl: provider.url, budgets: { firstTokenMs: FIRST_TOKEN_MS, idleMs: 400, totalMs: 8000 } });
  const large = cfg.models[1];
  // Two endpoints for the large model ("a" strongly preferred), and the small model as its fallback.
  large.endpoints = [
    { id: 'large-a', baseUrl: `${provider.url}/s/large-a/v1`, weight: 1000 },
    { id: 'large-b', baseUrl: `${provider.url}/s/large-b/v1`, weight: 1 },
  ];
  large.fallback = 'sim-small';
  cfg.models[0].endpoints = [{ id: 'small-a', baseUrl: `${provider.url}/s/small-a/v1` }];
  cfg.resilience = { breaker: { consecutiveFailures: 3, cooldownMs: 60_000 }, retry: { ratio: 0.1, minPerWindow: 3 }, ...resilience };
  return cfg;
}

const scopes = () => provider.calls.map((c) => c.scope);
const ask = (body: Record<string, unknown> = {}) => chat(gateway.url, { model: 'sim-large', ...body });
const fast = { firstTokenMs: 1, interTokenMs: 0 };

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(config(), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(async () => {
  provider.reset();
  for (const s of ['large-a', 'large-b', 'small-a']) provider.setFaults(s, fast);
  await gateway.setConfig(config(), TEST_BINDINGS); // a fresh isolate: closed breakers, full budget
});

describe('fallback chain', () => {
  it('large → its other endpoint → the small fallback model, with tighter instructions', async () => {
    provider.setFaults('large-a', { status: 500 });
    provider.setFaults('large-b', { status: 502 });
    const res = await ask();
    expect(res.status).toBe(200);
    expect(scopes()).toEqual(['large-a', 'large-b', 'small-a']);
    expect(res.headers.get('x-gateway-model')).toBe('sim-small');
    expect(res.headers.get('x-gateway-endpoint')).toBe('small-a');
    const messages = (provider.calls[2]!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('fallback') });
    expect((provider.calls[2]!.body as { model: string }).model).toBe('sim-small');
  });

  it('never retries a client error (400) elsewhere', async () => {
    provider.setFaults('large-a', { status: 400 });
    expect((await ask()).status).toBe(400);
    expect(scopes()).toEqual(['large-a']);
  });
});

describe('Retry-After', () => {
  it('a 429 with Retry-After: 2 moves to another endpoint and keeps traffic off the first meanwhile', async () => {
    provider.setFaults('large-a', { status: 429, retryAfter: 2 });
    const first = await ask();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-gateway-endpoint')).toBe('large-b');
    for (let i = 0; i < 5; i++) expect((await ask()).status).toBe(200);
    // large-a is preferred 1000:1, yet got no call after its 429 while the 2 s lasted.
    expect(scopes().filter((s) => s === 'large-a')).toHaveLength(1);
  });

  it('when every endpoint is cooling, the client gets a fast 503 with Retry-After', async () => {
    for (const s of ['large-a', 'large-b', 'small-a']) provider.setFaults(s, { status: 503, retryAfter: 30 });
    expect((await ask()).status).toBe(503);
    const calls = provider.calls.length;
    const res = await ask();
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(20);
    expect(provider.calls.length).toBe(calls);
  });
});

describe('deadlines', () => {
  it('hang before headers → fail over at firstTokenMs (server-side timestamps)', async () => {
    provider.setFaults('large-a', { hang: true });
    const res = await ask();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-endpoint')).toBe('large-b');
    const [a, b] = provider.calls;
    expect(a!.aborted).toBe(true);
    const waited = b!.startedAt - a!.startedAt;
    expect(waited).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 20);
    expect(waited).toBeLessThan(FIRST_TOKEN_MS + 500);
  });

  it('stall mid-stream → the error event after idleMs, no failover once tokens went out', async () => {
    provider.setFaults('large-a', { stallAfterTokens: 3, ...fast });
    const res = await ask({ stream: true });
    const events = jsonEvents(await new FrameReader(res).rest());
    expect(events.at(-1)!.error).toMatchObject({ code: 'upstream_timeout' });
    expect(events.filter((e) => e.choices?.[0]?.delta?.content)).toHaveLength(3);
    expect(scopes()).toEqual(['large-a']);
  });
});

describe('outage', () => {
  it('100% 503 for a sustained run: fast 503s, breakers open, ≤ 1.1 upstream attempts per request', async () => {
    for (const s of ['large-a', 'large-b', 'small-a']) provider.setFaults(s, { status: 503 });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await ask()).status);
    expect(new Set(statuses)).toEqual(new Set([503]));
    expect(provider.calls.length / 60).toBeLessThanOrEqual(1.1);
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    const health = (await (await fetch(`${gateway.url}/admin/health`, admin)).json()) as { status: string; breakers: Record<string, string> };
    expect(health.status).toBe('degraded');
    expect(health.breakers).toMatchObject({ 'sim-large/large-a': 'open', 'sim-large/large-b': 'open', 'sim-small/small-a': 'open' });
  });

  it('without breakers, the retry budget alone keeps amplification ≤ 1.1 once its minimum is spent', async () => {
    await gateway.setConfig(config({ breaker: { consecutiveFailures: 100_000, minRequests: 100_000 } }), TEST_BINDINGS);
    for (const s of ['large-a', 'large-b', 'small-a']) provider.setFaults(s, { status: 500 });
    const n = 100;
    for (let i = 0; i < n; i++) expect((await ask()).status).toBe(502);
    // n first attempts + ratio·n retries + the budget's minimum of 3.
    expect(provider.calls.length).toBeLessThanOrEqual(n * 1.1 + 3);
    expect(provider.calls.length).toBeGreaterThan(n); // it did retry, within the budget
  });
});

describe('cost', () => {
  const price = (p: number, c: number, inP: number, outP: number) => Math.round(((p * inP + c * outP) / 1e6) * 1e10) / 1e10;

  it('equals usage × the serving model’s price, in the header, the body and the stream', async () => {
    const res = await ask();
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number }; gateway: { cost_usd: number } };
    const expected = price(body.usage.prompt_tokens, body.usage.completion_tokens, 2.5, 10);
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBe(expected);
    expect(body.gateway.cost_usd).toBe(expected);
    const events = jsonEvents(await new FrameReader(await ask({ stream: true, stream_options: { include_usage: true } })).rest());
    const last = events.at(-1)!;
    expect(last.gateway.cost_usd).toBe(price(last.usage.prompt_tokens, last.usage.completion_tokens, 2.5, 10));
  });

  it('is priced at the fallback’s rates when the fallback served', async () => {
    provider.setFaults('large-a', { status: 500 });
    provider.setFaults('large-b', { status: 500 });
    const body = (await (await ask()).json()) as { usage: { prompt_tokens: number; completion_tokens: number }; gateway: { cost_usd: number } };
    expect(body.gateway.cost_usd).toBe(price(body.usage.prompt_tokens, body.usage.completion_tokens, 0.15, 0.6));
  });

  it('is estimated, and marked so, when the provider reports no usage', async () => {
    provider.setFaults('large-a', { noUsage: true, ...fast });
    const res = await ask();
    const id = res.headers.get('x-request-id');
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBeGreaterThan(0);
    await expect.poll(() => gateway.requestLogs().find((l) => l.request_id === id)?.usage_estimated).toBe(true);
  });
});

describe('auto routing', () => {
  it('sends a greeting small and a code question large, with the reason and P(large) in the trace', async () => {
    // (The learned router of issue #13 sends even "What is the capital of France?" large: its
    // threshold keeps hard requests from going small at the price of many easy ones going large.)
    const simple = await chat(gateway.url, { model: 'auto', messages: [{ role: 'user', content: 'hi there' }] });
    expect(simple.headers.get('x-gateway-tier')).toBe('small');
    const code = await chat(gateway.url, { model: 'auto', messages: [{ role: 'user', content: 'Why does this deadlock?\n```go\nmu.Lock(); ch <- v\n```' }] });
    expect(code.headers.get('x-gateway-tier')).toBe('large');
    const id = code.headers.get('x-request-id');
    await expect.poll(() => gateway.requestLogs().find((l) => l.request_id === id)?.route_reason).toBe('auto:hard-code');
    expect(gateway.requestLogs().find((l) => l.request_id === id)?.route_p_large).toEqual(expect.any(Number));
  });

  it('keeps a tenant with a small ceiling small', async () => {
    const cfg = config();
    cfg.tenants[0].maxTier = 'small';
    await gateway.setConfig(cfg, TEST_BINDINGS);
    const res = await chat(gateway.url, { model: 'auto', messages: [{ role: 'user', content: 'Prove that sqrt(2) is irrational, step by step.' }] });
    expect(res.headers.get('x-gateway-tier')).toBe('small');
  });
});

