// The semantic cache tier and POST /v1/embeddings through the worker (issue #15): the sim's
// embeddings, the GATEWAY_VECTORS Durable Object in workerd, the exact layers behind it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosine, simEmbedding } from '../sim/embed.ts';
import { ADMIN_TOKEN, OTHER_TENANT_KEY, TENANT_KEY, testConfig } from './harness/config.ts';
import { gatewaySuite } from './harness/suite.ts';

const OFF_TENANT_KEY = 'sk-test-initech-5555555555';
const LIMITED_TENANT_KEY = 'sk-test-umbrella-7777777777';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const semanticCache = { enabled: true, embeddingModel: 'sim-embed', deadlineMs: 2000 };

function config(providerUrl: string) {
  const base = testConfig({ providerUrl });
  base.tenants[0].semanticCache = semanticCache;
  base.tenants[1].semanticCache = semanticCache;
  base.tenants.push({ id: 'initech', apiKeyHashes: [sha256(OFF_TENANT_KEY)] });
  base.tenants.push({ id: 'umbrella', apiKeyHashes: [sha256(LIMITED_TENANT_KEY)], limits: { tokensPerMinute: 60 } });
  base.models.push({ id: 'sim-embed', kind: 'embedding', inputPer1M: 0.02, endpoints: [{ id: 'emb', baseUrl: `${providerUrl}/s/emb/v1`, apiKeyEnv: 'EAST_KEY' }] });
  base.stats = { flushMs: 100 };
  return base;
}

const s = gatewaySuite(config);
const post = (path: string, body: unknown, key = TENANT_KEY) =>
  fetch(`${s.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
const ask = (content: string, key = TENANT_KEY, extra: Record<string, unknown> = {}) =>
  post('/v1/chat/completions', { model: 'sim-small', temperature: 0, messages: [{ role: 'user', content }], ...extra }, key);
const chatCalls = () => s.provider.calls.filter((c) => c.endpoint !== 'embeddings').length;
const embeddingCalls = () => s.provider.calls.filter((c) => c.endpoint === 'embeddings').length;
/** The vector is stored from waitUntil after the answer: give it a moment. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('POST /v1/embeddings', () => {
  it('answers in OpenAI\'s shape with cost, and the exact cache answers it again without the provider', async () => {
    const res = await post('/v1/embeddings', { model: 'sim-embed', input: ['How do I reset my password?', 'I forgot my password, how can I reset it?'] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ object: string; index: number; embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.object).toBe('list');
    expect(body.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([['embedding', 0, 256], ['embedding', 1, 256]]);
    expect(cosine(body.data[0]!.embedding, body.data[1]!.embedding)).toBeGreaterThan(0.92);
    expect(body.usage.prompt_tokens).toBe(7 + 11);
    expect(res.headers.get('x-gateway-cache')).toBe('miss');
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBeCloseTo((18 * 0.02) / 1e6, 12);
    expect(res.headers.get('x-gateway-endpoint')).toBe('emb');
    await settle();
    const again = await post('/v1/embeddings', { model: 'sim-embed', input: ['How do I reset my password?', 'I forgot my password, how can I reset it?'] });
    expect(again.headers.get('x-gateway-cache')).toBe('hit-memory');
    expect(again.headers.get('x-gateway-cost-usd')).toBe('0');
    expect(((await again.json()) as typeof body).data[1]!.embedding).toEqual(body.data[1]!.embedding);
    expect(embeddingCalls()).toBe(1);
  });

  it('takes base64 and dimensions as OpenAI does', async () => {
    const res = await post('/v1/embeddings', { model: 'sim-embed', input: 'hello world', encoding_format: 'base64', dimensions: 64 });
    const body = (await res.json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(floats.length).toBe(64);
    expect(Array.from(floats)[0]).toBeCloseTo(simEmbedding('hello world', 64)[0]!, 6);
  });

  it('refuses a chat model here, and an embedding model on the chat route, naming `model`', async () => {
    const wrong = await post('/v1/embeddings', { model: 'sim-small', input: 'x' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { param: string; code: string } }).error).toMatchObject({ param: 'model', code: 'invalid_model_kind' });
    const chat = await post('/v1/chat/completions', { model: 'sim-embed', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { param: string } }).error.param).toBe('model');
    expect(s.provider.calls).toHaveLength(0);
  });

  it('reserves the input\'s tokens against the tenant\'s tokens per minute', async () => {
    // 50 tokens each (≈4 characters a token) against 60 a minute: the second is refused.
    const first = await post('/v1/embeddings', { model: 'sim-embed', input: 'x'.repeat(200) }, LIMITED_TENANT_KEY);
    expect(first.status).toBe(200);
    const second = await post('/v1/embeddings', { model: 'sim-embed', input: 'y'.repeat(200) }, LIMITED_TENANT_KEY);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).not.toBeNull();
    expect(embeddingCalls()).toBe(1);
  });

  it('lists each model\'s kind in /v1/models', async () => {
    const res = await fetch(`${s.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${TENANT_KEY}` } });
    const { data } = (await res.json()) as { data: Array<{ id: string; kind?: string }> };
    expect(data.find((m) => m.id === 'sim-embed')?.kind).toBe('embedding');
    expect(data.find((m) => m.id === 'sim-small')?.kind).toBe('chat');
  });
});

describe('the semantic cache tier', () => {
  it('answers a paraphrase from the cache (hit-semantic, its similarity, no provider call), and counts it in /admin/stats', async () => {
    const first = await ask('How do I cancel my subscription?');
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    const original = (await first.json()) as { choices: Array<{ message: { content: string } }> };
    expect(chatCalls()).toBe(1);
    await settle();
    const res = await ask('I want to cancel my plan. How do I do that?');
    expect(res.headers.get('x-gateway-cache')).toBe('hit-semantic');
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }>; gateway: { cache: string; cache_similarity: number; cost_usd: number } };
    expect(body.choices[0]!.message.content).toBe(original.choices[0]!.message.content);
    expect(body.gateway.cache).toBe('hit-semantic');
    expect(body.gateway.cache_similarity).toBeGreaterThanOrEqual(0.92);
    expect(body.gateway.cost_usd).toBeGreaterThan(0); // the embedding, and only it
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBe(body.gateway.cost_usd);
    expect(chatCalls()).toBe(1);
    expect(embeddingCalls()).toBe(2);

    let semantic = 0;
    for (let i = 0; i < 40 && !semantic; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const stats = (await (await fetch(`${s.gateway.url}/admin/stats?window=1m`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { cache: { by_layer: { semantic: number | null }; hits: { semantic: number } } };
      semantic = stats.cache.hits.semantic;
      if (semantic) expect(stats.cache.by_layer.semantic).toBeGreaterThan(0);
    }
    expect(semantic).toBe(1);
  });

  it('misses a near-miss (another number) and calls the provider', async () => {
    await ask('Can I get a refund within 30 days?');
    await settle();
    const res = await ask('Can I get a refund within 60 days?');
    expect(res.headers.get('x-gateway-cache')).toBe('miss');
    expect(chatCalls()).toBe(2);
  });

  it('misses for another tenant asking the same thing', async () => {
    await ask('How do I turn on dark mode?');
    await settle();
    const res = await ask('How can I enable dark mode?', OTHER_TENANT_KEY);
    expect(res.headers.get('x-gateway-cache')).toBe('miss');
    expect(chatCalls()).toBe(2);
    // Its own paraphrase, later, hits within its own namespace.
    await settle();
    expect((await ask('How do I turn on dark mode?', OTHER_TENANT_KEY)).headers.get('x-gateway-cache')).toBe('hit-semantic');
  });

  it('does no semantic lookup for a tenant that has not opted in', async () => {
    await ask('How do I rename a project?', OFF_TENANT_KEY);
    await settle();
    const res = await ask('Can I rename my project?', OFF_TENANT_KEY);
    expect(res.headers.get('x-gateway-cache')).toBe('miss');
    expect(embeddingCalls()).toBe(0);
    expect(chatCalls()).toBe(2);
  });

  it('treats a failing embedding endpoint as a miss, never an error', async () => {
    s.provider.setFaults('emb', { status: 500 });
    const res = await ask('How do I verify my email address?');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-cache')).toBe('miss');
  });
});
