// Idempotency-Key through the worker, records on a real redis-server (via the Upstash bridge), and
// in isolate memory when no Redis is configured.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { OTHER_TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { assertRedisInCI, skipWithoutRedis, startUpstash, type RedisServer, type Upstash, type UpstashBridge } from './harness/redis.ts';
import { chat } from './harness/requests.ts';

const TOKEN = 'gw-idem-token';
let n = 0;
const newKey = () => `order-${Date.now()}-${++n}`;

it('redis-server is installed where required (always in CI)', assertRedisInCI);

describe.skipIf(skipWithoutRedis())('Idempotency-Key', () => {
  let upstash: Upstash;
  let server: RedisServer;
  let bridge: UpstashBridge;
  let provider: SimProvider;
  let gateway: Gateway;
  let memoryOnly: Gateway;

  beforeAll(async () => {
    upstash = await startUpstash(TOKEN);
    ({ server, bridge } = upstash);
    provider = await startProvider();
    const cfg = testConfig({ providerUrl: provider.url });
    gateway = await startGateway(cfg, { ...TEST_BINDINGS, ...upstash.bindings });
    memoryOnly = await startGateway(cfg, TEST_BINDINGS);
  });
  afterAll(async () => {
    await gateway?.close();
    await memoryOnly?.close();
    await provider?.close();
    await upstash?.close();
  });
  beforeEach(() => {
    provider.reset();
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
  });

  const send = (url: string, key: string, body: Record<string, unknown> = {}, apiKey?: string) =>
    chat(url, body, { headers: { 'idempotency-key': key }, ...(apiKey ? { key: apiKey } : {}) });
  const stored = () => new Promise((r) => setTimeout(r, 300));

  for (const [name, url] of [['Redis', () => gateway.url], ['memory (no Redis)', () => memoryOnly.url]] as const) {
    it(`${name}: 10 concurrent same-key requests → 1 upstream call, the rest 409; later a replay`, async () => {
      provider.setFaults('east', { firstTokenMs: 300, interTokenMs: 0 });
      const key = newKey();
      const responses = await Promise.all(Array.from({ length: 10 }, () => send(url(), key)));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(9).fill(409)]);
      const conflict = responses.find((r) => r.status === 409)!;
      expect(((await conflict.json()) as any).error.code).toBe('idempotency_conflict');
      const original = await responses.find((r) => r.status === 200)!.text();
      expect(provider.calls).toHaveLength(1);
      await stored();
      const replay = await send(url(), key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.text()).toBe(original);
      expect(provider.calls).toHaveLength(1);
    });
  }

  it('the same key with a different body → 422', async () => {
    const key = newKey();
    await send(gateway.url, key);
    await stored();
    const res = await send(gateway.url, key, { messages: [{ role: 'user', content: 'something else' }] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.code).toBe('idempotency_key_reused');
  });

  it('another tenant using the same key value executes independently', async () => {
    const key = newKey();
    await send(gateway.url, key);
    await stored();
    const other = await send(gateway.url, key, {}, OTHER_TENANT_KEY);
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(provider.calls).toHaveLength(2);
  });

  it('a stream is replayed as a stream, byte for byte', async () => {
    const key = newKey();
    const first = await send(gateway.url, key, { stream: true });
    const text = await first.text();
    await stored();
    const replay = await send(gateway.url, key, { stream: true });
    expect(replay.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await replay.text()).toBe(text);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('an upstream 429 is not stored either: the retry runs again', async () => {
    const key = newKey();
    provider.setFaults('east', { status: 429, retryAfter: 1 });
    expect((await send(memoryOnly.url, key)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 1200)); // the endpoint honours the provider's Retry-After
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
    expect((await send(memoryOnly.url, key)).status).toBe(200);
  });

  it('Redis down: the request is served (the key kept in isolate memory), never a 500', async () => {
    bridge.setBroken('error');
    try {
      const key = newKey();
      const first = await send(gateway.url, key);
      expect(first.status).toBe(200);
      await stored();
      const replay = await send(gateway.url, key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(provider.calls).toHaveLength(1);
    } finally {
      bridge.setBroken('ok');
    }
  });

  it('a 5xx is not stored: the retry runs again', async () => {
    const key = newKey();
    provider.setFaults('east', { status: 500 });
    expect((await send(gateway.url, key)).status).toBe(502);
    await stored();
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
    expect((await send(gateway.url, key)).status).toBe(200);
  });

  it.each([['empty', ''], ['too long', 'k'.repeat(256)], ['not printable', 'caf\u00e9']])('a malformed key (%s) → 400', async (_name, key) => {
    const res = await send(gateway.url, key);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.param).toBe('Idempotency-Key');
  });

});
