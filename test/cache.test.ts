// The layered cache through the worker: memory in the isolate, Redis (a real redis-server behind
// the test-only Upstash bridge) and Workers KV (the runtime's local KV), replayed in the request's
// shape; what is never cached; single-flight; no cross-tenant hits; Redis trouble never an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from '@upstash/redis';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { simAnswer } from '../sim/text.ts';
import { OTHER_TENANT_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { assertRedisInCI, skipWithoutRedis, startUpstash, type RedisServer, type Upstash, type UpstashBridge } from './harness/redis.ts';
import { chat } from './harness/requests.ts';
import { FrameReader } from './harness/sse.ts';

const TOKEN = 'gw-cache-token';
let n = 0;
/** A prompt no other test has cached. */
const fresh = (text = 'cache me') => [{ role: 'user', content: `${text} #${Date.now()}-${++n}` }];

it('redis-server is installed where required (always in CI)', assertRedisInCI);

describe.skipIf(skipWithoutRedis())('layered cache through the worker', () => {
  let upstash: Upstash;
  let server: RedisServer;
  let bridge: UpstashBridge;
  let provider: SimProvider;
  let gateway: Gateway;
  let config: Record<string, any>;
  let bindings: Record<string, string>;
  const persist = mkdtempSync(join(tmpdir(), 'gw-kv-'));

  beforeAll(async () => {
    upstash = await startUpstash(TOKEN);
    ({ server, bridge } = upstash);
    provider = await startProvider();
    config = testConfig({ providerUrl: provider.url });
    bindings = { ...TEST_BINDINGS, ...upstash.bindings };
    gateway = await startGateway(config, bindings, { persist });
  });
  afterAll(async () => {
    await gateway?.close();
    await provider?.close();
    await upstash?.close();
    rmSync(persist, { recursive: true, force: true });
  });
  beforeEach(() => {
    provider.reset();
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
  });

  const ask = (messages: unknown, extra: Record<string, unknown> = {}, key = TENANT_KEY) => chat(gateway.url, { temperature: 0, messages, ...extra }, { key });
  /** Background writes land after the response: wait until the entry reached every layer. */
  const settled = () => new Promise((r) => setTimeout(r, 300));

  it('a repeated request is answered from memory, the provider called once, at zero cost', async () => {
    const messages = fresh();
    const first = await ask(messages);
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    const original = (await first.json()) as any;
    await settled();
    const again = await ask(messages);
    expect(again.headers.get('x-gateway-cache')).toBe('hit-memory');
    const replay = (await again.json()) as any;
    expect(replay.choices[0].message.content).toBe(original.choices[0].message.content);
    expect(replay.gateway).toMatchObject({ cache: 'hit-memory', cost_usd: 0 });
    expect(provider.calls).toHaveLength(1);
  });

  it('a stream is replayed as a stream; the openai SDK reads the same text', async () => {
    const messages = fresh('stream me');
    const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const read = async () => {
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'sim-small', temperature: 0, messages: messages as OpenAI.ChatCompletionMessageParam[], stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let usage: unknown;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage ??= chunk.usage;
      }
      return { text, usage, layer: response.headers.get('x-gateway-cache') };
    };
    const live = await read();
    await settled();
    const replay = await read();
    expect(live.layer).toBeNull(); // a stream's miss is told in its metadata, not its header
    expect(replay.layer).toBe('hit-memory');
    expect(replay.text).toBe(live.text);
    expect(replay.text).toBe(simAnswer('sim-small', messages as never).text);
    expect(replay.usage).toEqual(live.usage);
    expect(provider.calls).toHaveLength(1);
  });

  it('layers: a fresh isolate hits Redis; without Redis’s copy it hits KV, and back-fills the faster layers', async () => {
    const messages = fresh('layers');
    await ask(messages);
    await settled();
    await gateway.setConfig(config, bindings); // a new isolate: its memory is empty
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('hit-redis');
    await settled();
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('hit-memory');
    await gateway.setConfig(config, bindings);
    await new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false }).flushall();
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('hit-kv');
    await settled();
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('hit-memory');
    await gateway.setConfig(config, bindings);
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('hit-redis'); // back-filled from KV
    expect(provider.calls).toHaveLength(1);
  });

  it('never caches an upstream error, a cut stream or an abandoned one', async () => {
    const messages = fresh('errors');
    provider.setFaults('east', { status: 500 });
    expect((await ask(messages)).status).toBe(502);
    provider.setFaults('east', { cutAfterTokens: 3, firstTokenMs: 1, interTokenMs: 0 });
    await new FrameReader(await ask(messages, { stream: true })).rest();
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 30 });
    const abort = new AbortController();
    const frames = new FrameReader(await chat(gateway.url, { temperature: 0, messages, stream: true }, { signal: abort.signal }));
    await frames.next();
    await frames.next();
    abort.abort();
    await settled();
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
    expect((await ask(messages)).headers.get('x-gateway-cache')).toBe('miss');
  });

  it('no cross-tenant hits: the same prompt from another tenant is a miss', async () => {
    const messages = fresh('tenant');
    await ask(messages);
    await settled();
    expect((await ask(messages, {}, OTHER_TENANT_KEY)).headers.get('x-gateway-cache')).toBe('miss');
    expect(provider.calls).toHaveLength(2);
  });

  it('bypass and non-deterministic requests skip the cache', async () => {
    const messages = fresh('bypass');
    await ask(messages);
    await settled();
    expect((await ask(messages, { gateway: { cache: 'bypass' } })).headers.get('x-gateway-cache')).toBe('bypass');
    expect((await ask(messages, { temperature: 0.7 })).headers.get('x-gateway-cache')).toBe('bypass');
  });

  it('single-flight: 100 concurrent identical requests make exactly 1 upstream call', async () => {
    const messages = fresh('flight');
    provider.setFaults('east', { firstTokenMs: 200, interTokenMs: 1 });
    const responses = await Promise.all(Array.from({ length: 100 }, () => ask(messages)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    const texts = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as any).choices[0].message.content)));
    expect(texts.size).toBe(1);
    expect(provider.calls).toHaveLength(1);
  });

  it('Redis stopped mid-run: 0 client errors, the cache degrades to memory and KV', async () => {
    const before = fresh('redis down');
    await ask(before);
    await settled();
    bridge.setBroken('error');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await ask(i % 2 ? before : fresh('during outage'))).status);
      expect(statuses).toEqual(Array(10).fill(200));
    } finally {
      bridge.setBroken('ok');
    }
  });

  it('KV failing: 0 client errors, the cache degrades to memory and Redis', async () => {
    const broken = await startGateway(config, bindings, { brokenKv: true });
    try {
      const messages = fresh('kv down');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await chat(broken.url, { temperature: 0, messages: i % 2 ? messages : fresh('kv down, new') });
        statuses.push(res.status);
        await res.text();
      }
      expect(statuses).toEqual(Array(6).fill(200));
      await expect.poll(() => broken.requestLogs().some((l) => String(l.cache_degraded ?? '').includes('kv:'))).toBe(true);
      // The cache still works on the layers that do.
      expect((await chat(broken.url, { temperature: 0, messages })).headers.get('x-gateway-cache')).toBe('hit-memory');
    } finally {
      await broken.close();
    }
  });
});
