// Rate limits through the worker, with the global layer on a real redis-server behind the
// test-only Upstash REST bridge: 429s with their headers, tool buckets apart from request
// buckets, and lane isolation under a batch flood.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { assertRedisInCI, skipWithoutRedis, startUpstash, type RedisServer, type Upstash, type UpstashBridge } from './harness/redis.ts';
import { chat } from './harness/requests.ts';

const TOKEN = 'gw-worker-token';
const KEYS = { a: 'sk-flood-tenant-a', b: 'sk-calm-tenant-b', c: 'sk-small-tenant-c', d: 'sk-third-tenant-d', t: 'sk-tool-tenant-t' };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

it('redis-server is installed where required (always in CI)', assertRedisInCI);

describe.skipIf(skipWithoutRedis())('rate limits through the worker (global layer on real Redis)', () => {
  let upstash: Upstash;
  let server: RedisServer;
  let bridge: UpstashBridge;
  let provider: SimProvider;
  let origin: SimOrigin;
  let gateway: Gateway;

  beforeAll(async () => {
    upstash = await startUpstash(TOKEN);
    ({ server, bridge } = upstash);
    provider = await startProvider();
    origin = await startOrigin();
    const cfg = testConfig({ providerUrl: provider.url, originUrl: origin.url });
    const lanes = { interactive: { capacity: 3, refillPerSecond: 0.01 }, batch: { capacity: 1000, refillPerSecond: 100 } };
    cfg.tenants = [
      { id: 'a', apiKeyHashes: [sha256(KEYS.a)], limits: { interactive: { capacity: 1000, refillPerSecond: 100 }, batch: { capacity: 1000, refillPerSecond: 100 } } },
      { id: 'b', apiKeyHashes: [sha256(KEYS.b)], limits: { interactive: { capacity: 1000, refillPerSecond: 100 } } },
      { id: 'c', apiKeyHashes: [sha256(KEYS.c)], limits: lanes },
      { id: 'd', apiKeyHashes: [sha256(KEYS.d)], limits: { interactive: { capacity: 10, refillPerSecond: 0.01 } } },
      { id: 't', apiKeyHashes: [sha256(KEYS.t)], limits: { interactive: { capacity: 10, refillPerSecond: 0.01 }, tools: { search: { capacity: 1, refillPerSecond: 0.01 } } } },
    ];
    cfg.rateLimit = { batchConcurrency: 2, redisTimeoutMs: 500 };
    gateway = await startGateway(cfg, { ...TEST_BINDINGS, ...upstash.bindings });
  });
  afterAll(async () => {
    await gateway?.close();
    await origin?.close();
    await provider?.close();
    await upstash?.close();
  });
  beforeEach(() => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 }));

  it('refuses over the limit with a 429 naming it, Retry-After and RateLimit-* headers', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await chat(gateway.url, {}, { key: KEYS.c });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(ok.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await chat(gateway.url, {}, { key: KEYS.c });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error', param: 'interactive', request_id: refused.headers.get('x-request-id') });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });

  it('a tool bucket refusing does not spend the tenant’s request tokens', async () => {
    const tool = { gateway: { tools: [{ name: 'search', arguments: {} }] } };
    const first = await chat(gateway.url, tool, { key: KEYS.t });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-remaining')).toBe('9');
    const refused = await chat(gateway.url, tool, { key: KEYS.t });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('tool:search');
    // The tenant still has its request tokens: the refused request gave its one back.
    const plain = await chat(gateway.url, {}, { key: KEYS.t });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('ratelimit-remaining')).toBe('8');
  });

  it('lane isolation: a batch flood from one tenant sheds batch, while another tenant’s interactive requests succeed and a third sees no 429s', async () => {
    provider.setFaults('east', { firstTokenMs: 150, interTokenMs: 2 });
    const flood = Array.from({ length: 40 }, () => chat(gateway.url, { gateway: { priority: 'batch' } }, { key: KEYS.a }));
    const calm: Promise<Response>[] = [];
    const third: Promise<Response>[] = [];
    for (let i = 0; i < 20; i++) {
      calm.push(chat(gateway.url, {}, { key: KEYS.b }));
      if (i % 2 === 0) third.push(chat(gateway.url, {}, { key: KEYS.d }));
      await new Promise((r) => setTimeout(r, 10));
    }
    const floodStatuses = (await Promise.all(flood)).map((r) => r.status);
    const calmStatuses = (await Promise.all(calm)).map((r) => r.status);
    const thirdStatuses = (await Promise.all(third)).map((r) => r.status);
    expect(floodStatuses.filter((s) => s === 503).length).toBeGreaterThan(0); // shed
    expect(floodStatuses.filter((s) => s === 200).length).toBeGreaterThan(0); // but not starved
    expect(calmStatuses.filter((s) => s === 200).length / calmStatuses.length).toBeGreaterThanOrEqual(0.99);
    // Tenant d sent 10 requests against its capacity of 10: not one extra 429 from a's flood.
    expect(thirdStatuses).toEqual(Array(10).fill(200));
  });

  it('Redis hung (redis-server paused), through the worker: interactive served, batch 503, no 500s', async () => {
    server.pause();
    try {
      const interactive = await chat(gateway.url, {}, { key: KEYS.b });
      const batch = await chat(gateway.url, { gateway: { priority: 'batch' } }, { key: KEYS.a });
      expect(interactive.status).toBe(200);
      expect(batch.status).toBe(503);
      expect(((await batch.json()) as { error: { code: string } }).error.code).toBe('rate_limiter_unavailable');
      const id = interactive.headers.get('x-request-id');
      await expect.poll(() => gateway.requestLogs().find((l) => l.request_id === id)?.ratelimit_redis).toBe('fail-open');
    } finally {
      server.resume();
    }
  });
});
